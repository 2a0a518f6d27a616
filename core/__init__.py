"""huiqi (惠企): Chinese industrial-subsidy policy documents as software a province or city can run."""

__version__ = "0.1.0"
