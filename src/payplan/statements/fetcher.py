"""The only URL fetcher WeasyPrint gets: our own template and static files, nothing else.

WeasyPrint's default fetcher reads any `file://` path and the network, so a
data value or a template reference could pull `/etc/passwd` or a cloud
metadata address (`http://169.254.169.254/`) into a statement, or hang on
`/dev/urandom` (its timeout does not cover files). This fetcher refuses every
scheme but `file:`, resolves symlinks, and serves only regular files of bounded
size under the allowed directories. It never touches the network.
Must not be given directories that hold data or secrets.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

try:  # WeasyPrint ≥ 68: fetchers are URLFetcher objects returning URLFetcherResponse
    from weasyprint.urls import URLFetcher, URLFetcherResponse
except ImportError:  # pragma: no cover - older WeasyPrint: a function returning a dict
    URLFetcher = URLFetcherResponse = None

MAX_BYTES = 5 * 1024 * 1024


class FetchRefused(ValueError):
    """A URL outside the statement's own files."""


class SafeFiles:
    """Where allowed files live and how to read one (no WeasyPrint types here)."""

    def __init__(self, roots: list[Path]) -> None:
        self.roots = [Path(r).resolve() for r in roots]

    def read(self, url: str) -> tuple[bytes, str, Path]:
        """(content, MIME type, path) of an allowed file; FetchRefused for anything else."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise FetchRefused(f"refused to fetch {url!r}: only the statement's own files are served")
        try:
            path = Path(unquote(parts.path)).resolve(strict=True)
        except (OSError, RuntimeError):
            raise FetchRefused(f"refused to fetch {url!r}: no such file") from None
        if not any(path.is_relative_to(root) for root in self.roots):
            raise FetchRefused(f"refused to fetch {url!r}: outside the statement's own files")
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            raise FetchRefused(f"refused to fetch {url!r}: not a regular file of at most {MAX_BYTES} bytes")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return path.read_bytes(), mime, path


if URLFetcher is not None:

    class StatementFetcher(URLFetcher):
        """A WeasyPrint URL fetcher serving only `SafeFiles`."""

        def __init__(self, roots: list[Path]) -> None:
            super().__init__(timeout=2, allowed_protocols={"file"}, allow_redirects=False)
            self.files = SafeFiles(roots)

        def fetch(self, url, headers=None):
            data, mime, _ = self.files.read(url)
            return URLFetcherResponse(url, body=data, headers={"Content-Type": mime})

else:  # pragma: no cover

    class StatementFetcher:  # type: ignore[no-redef]
        """The same rules for WeasyPrint versions whose fetchers are plain callables."""

        def __init__(self, roots: list[Path]) -> None:
            self.files = SafeFiles(roots)

        def __call__(self, url: str) -> dict:
            data, mime, path = self.files.read(url)
            return {"string": data, "mime_type": mime, "redirected_url": url}

        fetch = __call__
