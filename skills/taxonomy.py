"""The vocabulary: proficiency levels, disciplines and the bundled MLOps skill taxonomy."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

LEVELS: dict[int, str] = {
    0: "None",
    1: "Awareness",
    2: "Working",
    3: "Practitioner",
    4: "Expert",
}
MAX_LEVEL = 4
MAX_INTEREST = 3
# What skills.organisation means by a practitioner (and so a holder, and the bus factor).
PRACTITIONER_LEVEL = 3

DISCIPLINES: dict[str, str] = {
    "data": "Data engineering",
    "ml": "ML engineering",
    "sre": "SRE / operations",
    "product": "Product",
}
UNASSIGNED = "unassigned"

_DISCIPLINE_ALIASES: dict[str, str] = {
    "data": "data",
    "data engineering": "data",
    "ml": "ml",
    "ml engineering": "ml",
    "machine learning engineering": "ml",
    "sre": "sre",
    "operations": "sre",
    "sre / operations": "sre",
    "sre/operations": "sre",
    "site reliability engineering": "sre",
    "product": "product",
}


DISCIPLINE_ALIASES: dict[str, str] = _DISCIPLINE_ALIASES


def normalise_text(value: str) -> str:
    """NFC-normalise and strip surrounding white space, as every imported name is."""
    if value.isascii():  # NFC never changes ASCII; most cells are, so skip the work
        return value.strip()
    return unicodedata.normalize("NFC", value).strip()


def parse_discipline(value: str) -> str | None:
    """The discipline code for a code or full name in any case, or None when unknown."""
    key = " ".join(normalise_text(value).lower().split())
    return _DISCIPLINE_ALIASES.get(key)


@dataclass(frozen=True)
class SkillDefinition:
    skill_id: str
    name: str
    discipline: str
    critical: bool
    description: str


TAXONOMY: tuple[SkillDefinition, ...] = (
    # Data engineering
    SkillDefinition("data-pipelines", "Data pipelines", "data", True,
                    "Build and run batch and streaming ingestion pipelines."),
    SkillDefinition("data-quality", "Data quality and validation", "data", True,
                    "Schema checks, expectations and validation gates on data."),
    SkillDefinition("feature-stores", "Feature stores", "data", True,
                    "Versioned, reproducible features for training and serving."),
    SkillDefinition("data-lineage", "Data lineage", "data", False,
                    "Trace data from source to model and report."),
    SkillDefinition("data-modelling", "Data modelling", "data", False,
                    "Warehouse and lakehouse table design."),
    SkillDefinition("streaming", "Streaming systems", "data", False,
                    "Kafka-style event streams and their operations."),
    SkillDefinition("labeling-rubrics", "Labeling rubrics", "data", False,
                    "Durable, versioned labeling guidelines."),
    SkillDefinition("data-privacy", "Data privacy", "data", True,
                    "Access controls, anonymisation and data ownership."),
    SkillDefinition("sql-analytics", "SQL analytics", "data", False,
                    "Analytical SQL over large tables."),
    # ML engineering
    SkillDefinition("experiment-tracking", "Experiment tracking", "ml", False,
                    "Record runs, parameters and metrics so results can be compared."),
    SkillDefinition("model-evaluation", "Model evaluation", "ml", True,
                    "Offline metrics, validation matrices and acceptance criteria."),
    SkillDefinition("bias-fairness", "Bias and fairness checks", "ml", True,
                    "Measure and mitigate disparate impact."),
    SkillDefinition("drift-detection", "Drift detection", "ml", True,
                    "Detect data and concept drift in production."),
    SkillDefinition("model-registry", "Model registry", "ml", True,
                    "Versioned models with provenance and stage transitions."),
    SkillDefinition("reproducible-training", "Reproducible training", "ml", False,
                    "Pinned environments and deterministic training runs."),
    SkillDefinition("feature-engineering", "Feature engineering", "ml", False,
                    "Design features that carry signal."),
    SkillDefinition("model-serving", "Model serving", "ml", True,
                    "Low-latency inference APIs and batch scoring."),
    SkillDefinition("model-apis", "Interoperable model APIs", "ml", False,
                    "Contracts and version negotiation for model consumers."),
    SkillDefinition("model-retirement", "Model retirement", "ml", False,
                    "Archive artifacts and migrate consumers off old models."),
    # SRE / operations
    SkillDefinition("observability", "Observability", "sre", True,
                    "Metrics, traces and logs that explain system behaviour."),
    SkillDefinition("incident-response", "Incident response", "sre", True,
                    "Lead and resolve production incidents, blameless reviews."),
    SkillDefinition("ci-cd", "CI/CD", "sre", True,
                    "Build, test and release pipelines."),
    SkillDefinition("canary-deploys", "Blue-green and canary deploys", "sre", False,
                    "Progressive delivery with automated checks."),
    SkillDefinition("rollback", "Rollback", "sre", True,
                    "Automated rollback and recovery drills."),
    SkillDefinition("capacity-cost", "Capacity and cost", "sre", False,
                    "Capacity planning and cost benchmarks."),
    SkillDefinition("security-compliance", "Security compliance", "sre", True,
                    "Security reviews, evidence packs and audits."),
    SkillDefinition("alerting", "Alert design", "sre", False,
                    "Alerts that correlate signals and avoid nuisance pages."),
    SkillDefinition("infrastructure-as-code", "Infrastructure as code", "sre", False,
                    "Declarative, reviewed infrastructure changes."),
    SkillDefinition("disaster-recovery", "Disaster recovery drills", "sre", False,
                    "Simulated outages that build recovery muscle memory."),
    # Product
    SkillDefinition("kpi-design", "KPI design", "product", False,
                    "Connect model metrics to business outcomes."),
    SkillDefinition("ab-testing", "A/B tests and shadow deployments", "product", True,
                    "Evaluate hypotheses without risking production."),
    SkillDefinition("model-governance", "Model governance", "product", True,
                    "Policies, decision rights and audit trails for models."),
    SkillDefinition("stakeholder-communication", "Stakeholder communication", "product", False,
                    "Translate technical signals into decisions."),
    SkillDefinition("decision-records", "Decision records", "product", False,
                    "Document decisions, trade-offs and rationale."),
    SkillDefinition("roadmapping", "Roadmapping", "product", False,
                    "Prioritise an integrated backlog across data, model and ops work."),
    SkillDefinition("risk-ethics", "Model risk and ethics", "product", True,
                    "Assess model risk and ethical considerations."),
)

TAXONOMY_BY_NAME: dict[str, SkillDefinition] = {
    normalise_text(s.name).casefold(): s for s in TAXONOMY
} | {s.skill_id: s for s in TAXONOMY}


def find_skill(name: str) -> SkillDefinition | None:
    """The bundled skill whose name or id matches, ignoring case and spacing."""
    key = " ".join(normalise_text(name).casefold().split())
    return TAXONOMY_BY_NAME.get(key)


# Skills other tools' exports name that the 36 core skills above do not cover. They are matched
# like the core skills but are not part of TAXONOMY, which the sample generator draws from.
MORE_SKILLS: tuple[SkillDefinition, ...] = (
    SkillDefinition("container-orchestration", "Container orchestration", "sre", True,
                    "Run, scale and upgrade workloads on Kubernetes-style clusters."),
)

# Names people and other tools use for our skills, English and French, in matching form
# (see `match_key`): "CI/CD (GitLab)" matches through "ci cd", "Cybersécurité" through
# "cybersecurite".
SYNONYMS: dict[str, str] = {
    **dict.fromkeys(("ci cd", "cicd", "continuous integration", "continuous delivery",
                     "continuous deployment", "integration continue", "deploiement continu",
                     "gitlab ci", "github actions", "jenkins", "pipelines ci cd"), "ci-cd"),
    **dict.fromkeys(("kubernetes", "k8s", "openshift", "container orchestration",
                     "orchestration de conteneurs", "conteneurs", "containers", "docker",
                     "docker swarm", "helm"), "container-orchestration"),
    **dict.fromkeys(("cybersecurite", "cybersecurity", "cyber security", "security",
                     "securite", "devsecops", "securite informatique", "conformite"),
                    "security-compliance"),
    **dict.fromkeys(("monitoring", "supervision", "observabilite", "prometheus", "grafana",
                     "logging", "logs"), "observability"),
    **dict.fromkeys(("on call", "astreinte", "gestion des incidents", "incident management",
                     "incidents"), "incident-response"),
    **dict.fromkeys(("terraform", "ansible", "iac", "pulumi", "infrastructure"),
                    "infrastructure-as-code"),
    **dict.fromkeys(("etl", "airflow", "data engineering", "pipelines de donnees", "spark",
                     "dbt", "ingestion"), "data-pipelines"),
    **dict.fromkeys(("sql", "analytics", "bigquery", "analyse de donnees"), "sql-analytics"),
    **dict.fromkeys(("kafka", "flink", "streaming", "event streaming"), "streaming"),
    **dict.fromkeys(("mlflow", "weights and biases", "wandb", "suivi des experiences"),
                    "experiment-tracking"),
    **dict.fromkeys(("inference", "serving", "deploiement de modeles", "model deployment",
                     "seldon", "kserve", "bentoml"), "model-serving"),
    **dict.fromkeys(("great expectations", "qualite des donnees", "data validation"),
                    "data-quality"),
    **dict.fromkeys(("feast", "feature store"), "feature-stores"),
    **dict.fromkeys(("drift", "model monitoring", "monitoring de modeles"), "drift-detection"),
    **dict.fromkeys(("a b testing", "ab testing", "a b tests", "experimentation"), "ab-testing"),
    **dict.fromkeys(("rgpd", "gdpr", "privacy", "confidentialite", "protection des donnees"),
                    "data-privacy"),
    **dict.fromkeys(("gouvernance", "governance", "ai governance", "gouvernance des modeles"),
                    "model-governance"),
    **dict.fromkeys(("communication",), "stakeholder-communication"),
    **dict.fromkeys(("roadmap", "product management", "gestion de produit"), "roadmapping"),
    **dict.fromkeys(("finops", "cost", "couts", "capacity planning"), "capacity-cost"),
    **dict.fromkeys(("alerting", "alertes", "alerts"), "alerting"),
    **dict.fromkeys(("pra", "drp", "disaster recovery", "plan de reprise d activite"),
                    "disaster-recovery"),
    **dict.fromkeys(("canary", "blue green", "progressive delivery"), "canary-deploys"),
    **dict.fromkeys(("evaluation de modeles", "model validation"), "model-evaluation"),
    **dict.fromkeys(("fairness", "equite", "bias"), "bias-fairness"),
    **dict.fromkeys(("ethique", "ethics", "ai ethics", "ethique de l ia"), "risk-ethics"),
    **dict.fromkeys(("lineage", "lignage des donnees"), "data-lineage"),
    **dict.fromkeys(("modelisation des donnees", "data modeling"), "data-modelling"),
}

KNOWN_SKILLS: dict[str, SkillDefinition] = {s.skill_id: s for s in TAXONOMY + MORE_SKILLS}


def match_key(name: str) -> str:
    """A skill name in matching form: no accents, case, punctuation or "(qualifier)"."""
    import re

    text = unicodedata.normalize("NFKD", normalise_text(name))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("&", " and ")
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def _keys() -> dict[str, str]:
    keys = {match_key(s.name): s.skill_id for s in KNOWN_SKILLS.values()}
    keys |= {match_key(s.skill_id): s.skill_id for s in KNOWN_SKILLS.values()}
    return keys | SYNONYMS


_MATCH_KEYS = _keys()


def match_skill(name: str) -> tuple[SkillDefinition | None, str]:
    """The known skill a column or skill name means, and how: "name", "synonym" or "none".

    "CI/CD (GitLab)" is tried whole, then without its parenthesis, then by what the
    parenthesis says.
    """
    import re

    tries = [name, re.sub(r"\([^)]*\)", " ", name)] + re.findall(r"\(([^)]*)\)", name)
    for attempt in tries:
        key = match_key(attempt)
        if not key:
            continue
        skill_id = _MATCH_KEYS.get(key)
        if skill_id is not None:
            how = "synonym" if key in SYNONYMS else "name"
            return KNOWN_SKILLS[skill_id], how
    return None, "none"


def suggest_skill(name: str) -> SkillDefinition | None:
    """The closest known skill by spelling, for a name `match_skill` could not place."""
    import difflib

    key = match_key(name)
    close = difflib.get_close_matches(key, list(_MATCH_KEYS), n=1, cutoff=0.6)
    return KNOWN_SKILLS[_MATCH_KEYS[close[0]]] if close else None
