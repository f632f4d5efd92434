"""The properties: the suite's tests, one module a family, found by pytest as ``test_*.py`` in this package.

``test_operation.py`` holds the properties of any operation (``--operation SERVICE:OPERATION``); the others
are the flagship's, at its depth.  The plugin collects the modules of the run's operation only.
"""
