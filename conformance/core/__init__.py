"""The suite's core, apart from pytest: sending (``exchange``, ``client``, ``deadline``, ``throttle``,
``signing``), judging (``errors``, ``sdk``, ``checks``, ``judge``, ``ledger``, ``coverage``, ``report``)
and the target the properties send to (``target``, ``operation_target``, ``preflight``).

Nothing here imports pytest, and nothing here is about one operation: an operation's contract comes from
``conformance.spec``, and what only the flagship has (its domain, its workflows' lifecycle, its page's
properties) is ``conformance.flagship``.  Where a 200 is judged: ``judge.success_problems``.
"""
