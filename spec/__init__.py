"""The contract of CreateIntegrationWorkflow as data: members, constraints with stable ids, errors."""

from spec.contract import Constraint, Contract, ErrorSpec, Member, load_contract, parent_path

__all__ = ["Constraint", "Contract", "ErrorSpec", "Member", "load_contract", "parent_path"]
