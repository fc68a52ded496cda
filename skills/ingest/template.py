"""The blank workbook users download, fill in and upload."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from skills.dataset import TABLE_COLUMNS

EXAMPLES: dict[str, list[list[object]]] = {
    "people": [["000123", "Ana Souza", "Serving", "sre", "Site reliability engineer", "", ""],
               ["000124", "Bilal Okafor", "Training", "ml", "ML engineer", "000123", ""]],
    "skills": [["incident-response", "Incident response", "sre", "yes", ""],
               ["model-evaluation", "Model evaluation", "ml", "no", ""]],
    "ratings": [["000123", "incident-response", 3, 1, "2025-03-31"],
                ["000124", "model-evaluation", 2, 3, "2025-03-31"]],
    "targets": [["Serving", "incident-response", 3, 2]],
    "requests": [["R001", "000124", "Serving", "incident-response", 1, 2, 2,
                  "wants on-call experience"]],
}


def template_workbook() -> bytes:
    """An .xlsx with one sheet per table, its header and two example rows."""
    book = Workbook()
    book.remove(book.active)
    for name, columns in TABLE_COLUMNS.items():
        sheet = book.create_sheet(name)
        header = [c for c in columns if c not in ("origin", "status")]
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in EXAMPLES[name]:
            sheet.append(row)
        # IDs are text: without this Excel turns 000123 into 123.
        for column_cells in sheet.iter_cols(min_row=2):
            if column_cells[0].column_letter and header[column_cells[0].column - 1].endswith(
                    "_id"):
                for cell in column_cells:
                    cell.number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
