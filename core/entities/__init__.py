"""Entities: enterprises, suppliers, platforms and service providers by USCC, with dated facts.

Service functions take a Session and work in the caller's transaction (``huiqi.ledger.transaction``);
each writes its audit events through the ledger's hash chain.
"""

from huiqi.entities.audit import check_entities
from huiqi.entities.importer import ImportReport, import_entities
from huiqi.entities.models import KINDS, Entity, EntityFact
from huiqi.entities.readers import FORMATS, SourceRow, SourceTable, read_file
from huiqi.entities.rows import InputProblems, RowProblem
from huiqi.entities.service import EntityView, FactRecord, Recorded, add_entity, get_entity, record_facts

__all__ = [
    "FORMATS", "KINDS", "Entity", "EntityFact", "EntityView", "FactRecord", "ImportReport",
    "InputProblems", "Recorded", "RowProblem", "SourceRow", "SourceTable", "add_entity",
    "check_entities", "get_entity", "import_entities", "read_file", "record_facts",
]
