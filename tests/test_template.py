"""The template users download is a dataset the importer accepts."""

from __future__ import annotations

from skills.ingest.loading import parse_uploads
from skills.ingest.template import template_workbook


def test_template_round_trips():
    dataset = parse_uploads({"crosstrain-template.xlsx": template_workbook()})
    assert dataset.people["person_id"].tolist() == ["000123", "000124"]
    assert dataset.summary() == {"people": 2, "teams": 2, "skills": 2, "ratings": 2,
                                 "targets": 1, "requests": 1}
