"""The contract as data: CreateIntegrationWorkflow's members, constraints with stable ids and errors
(``contract.json``), and the lifecycle operations that show what it created (``lifecycle.json``)."""

from conformance.spec.contract import Constraint, Contract, ErrorSpec, Member, load_contract
from conformance.spec.lifecycle import Lifecycle, LifecycleOperation, load_lifecycle
from conformance.spec.paths import parent_path

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
