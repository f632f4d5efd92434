"""The answers' verdicts are reported under this module's name: ``answers.py::test_answers[<property>]``.

They are no test function of their own: every exchange of the run is judged against each property of the
answers as it happens, and each property is reported once at the end of the run, with how many answers
broke it and the smallest request that did.  The tallies and verdicts are
``conformance.core.ledger``; what an answer of any operation is judged by is ``conformance.core.judge``,
the flagship's ``conformance.flagship.judge`` and ``conformance.flagship.ledger``.
"""
