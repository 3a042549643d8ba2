"""The `payplan` command line: a stable contract that other tools call (DESIGN §11).

`main` holds the click group, error handling and exit codes; each command group
lives in a module of its own, named after the group. Commands are thin edges: they
read arguments, call the library and turn issues and errors into printed lines and
exit codes. Must not compute pay or hold business rules.
"""
