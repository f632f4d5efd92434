"""What only the flagship, Customer Profiles ``CreateIntegrationWorkflow``, has: one place for it.

Its data is ``spec/contract.json`` (the pinned contract, with its provenance, notes and the differences
from the reference page) and ``spec/lifecycle.json`` (GetWorkflow, ListWorkflows, DeleteWorkflow); its
code is here: the errors its page names (``errors``), how its answers are judged (``judge``: a 200 with a
``WorkflowId`` and a ``Message``; ``created_id``, the one definition of a create), the ledger of its
answers' properties (``ledger``), its target with a domain and the workflows a run creates (``target``),
the fixtures a real service needs (``fixtures``), the preflight of its target (``preflight``) and the
lifecycle of a workflow (``lifecycle``).  Everything else is the core's, for any operation.
"""
