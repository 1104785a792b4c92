#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plantrack.settings")
    from plantrack.lib.language import run_management

    run_management(sys.argv)
