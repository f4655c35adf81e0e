"""Executes a notebook with Debian's nbclient through an installed kernelspec, like CI and people do.

Usage: /usr/bin/python3 run_notebook.py <notebook.ipynb> <kernel_name> <cwd> <executed.ipynb>
Cells tagged "raises-exception" may fail; any other failing cell stops the run (exit 1). The executed
notebook is written even when a cell fails, so tests can show what happened.
"""
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main():
    path, kernel_name, cwd, out = sys.argv[1:5]
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name=kernel_name, timeout=180, startup_timeout=60,
                            resources={"metadata": {"path": cwd}})
    t0 = time.time()
    code = 0
    try:
        client.execute()
    except CellExecutionError as e:
        sys.stderr.write(str(e) + "\n")
        code = 1
    finally:
        nbformat.write(nb, out)
    sys.stdout.write("executed %s in %.1f s\n" % (path, time.time() - t0))
    sys.exit(code)


if __name__ == "__main__":
    main()
