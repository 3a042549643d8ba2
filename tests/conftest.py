"""Keys for the whole test session: generated in a throw-away folder, never beside the repository.

`payplan.keyfiles` puts generated keys in PAYPLAN_KEY_DIR when it is set; tests that
check where keys go without it unset it themselves.
"""

import os
import tempfile

os.environ.setdefault("PAYPLAN_KEY_DIR", tempfile.mkdtemp(prefix="payplan-test-keys-"))
