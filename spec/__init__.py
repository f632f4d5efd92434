"""The contract as data: CreateIntegrationWorkflow's members, constraints with stable ids and errors
(``contract.json``), and the lifecycle operations that show what it created (``lifecycle.json``)."""

from conformance.spec.contract import Constraint, Contract, ErrorSpec, Member, load_contract, parent_path
from conformance.spec.lifecycle import Lifecycle, LifecycleOperation, load_lifecycle

__all__ = [
    "Constraint",
    "Contract",
    "ErrorSpec",
    "Lifecycle",
    "LifecycleOperation",
    "Member",
    "load_contract",
    "load_lifecycle",
    "parent_path",
]
