"""Every table of huiqi: importing this module registers them all on the shared metadata."""

from huiqi.entities import models as entities  # noqa: F401
from huiqi.ledger import models as ledger  # noqa: F401
from huiqi.ledger.base import Base
from huiqi.workflow import models as workflow  # noqa: F401

metadata = Base.metadata
