"""Strategies for any restJson1 operation, read from its ``Contract`` (``spec.operation.load_operation``):
valid parameters and wire requests, requests that break exactly one constraint, the deterministic
boundary catalogue and whole-body faults.  Nothing here names an operation.
"""
