"""`nbgrader export` for this course: "not submitted" is not a score of 0, and a file an LMS imports.

nbgrader's own CSV export gives a student who never submitted an
assignment the same 0.0 as a student who submitted and earned nothing.
``CourseExport`` (the course's default exporter, see nbgrader_config.py)
writes two files:

- ``grades.csv`` (or ``--to``): nbgrader's columns, one row per student and
  assignment, plus ``status`` ("submitted" or "not submitted"); the score
  columns of a missing submission are empty. Late submissions keep
  nbgrader's late penalty (``late_submission_penalty``, and ``score`` after
  it), as nbgrader's own export computes them.
- ``lms_grades.csv`` (``CourseExport.lms_to``): the layout of a Canvas
  gradebook export, which Canvas imports back and Moodle's CSV grade import
  reads: the columns Student, ID, SIS User ID, SIS Login ID, Section, then
  one column per assignment; a second row "Points Possible" with each
  assignment's maximum; then one row per student with the score after the
  late penalty, left empty where nothing was submitted (an empty cell is
  "no grade" to both, not 0). The nbgrader student id goes into SIS User ID
  and SIS Login ID, which is how both match the rows to their students.
"""

import csv

from nbgrader.api import MissingEntry
from nbgrader.plugins import ExportPlugin
from traitlets import Unicode

NBGRADER_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                    "raw_score", "late_submission_penalty", "score", "max_score"]
LMS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


class CourseExport(ExportPlugin):
    lms_to = Unicode("lms_grades.csv", help="Where the file for the learning platform's import goes.").tag(config=True)

    def export(self, gradebook):
        assignments = [a for a in gradebook.assignments if not self.assignment or a.name in self.assignment]
        students = [s for s in gradebook.students if not self.student or s.id in self.student]
        rows = {(a.name, s.id): self._row(gradebook, a, s) for a in assignments for s in students}
        destination = self.to or "grades.csv"
        self.log.info("Exporting grades to %s and %s", destination, self.lms_to)
        with open(destination, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(NBGRADER_COLUMNS + ["status"])
            for assignment in assignments:
                for student in students:
                    row = rows[assignment.name, student.id]
                    writer.writerow([_text(row[key]) for key in NBGRADER_COLUMNS] + [row["status"]])
        with open(self.lms_to, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(LMS_COLUMNS + [a.name for a in assignments])
            writer.writerow(["Points Possible", "", "", "", ""] + [_text(a.max_score) for a in assignments])
            for student in students:
                writer.writerow([_name(student), "", student.id, student.id, ""]
                                + [_text(rows[a.name, student.id]["score"]) for a in assignments])

    @staticmethod
    def _row(gradebook, assignment, student):
        row = {"assignment": assignment.name, "duedate": assignment.duedate, "student_id": student.id,
               "last_name": student.last_name, "first_name": student.first_name, "email": student.email,
               "max_score": assignment.max_score}
        try:
            submission = gradebook.find_submission(assignment.name, student.id)
        except MissingEntry:
            return dict(row, timestamp="", raw_score="", late_submission_penalty="", score="", status="not submitted")
        penalty = submission.late_submission_penalty
        return dict(row, timestamp=submission.timestamp, raw_score=submission.score, late_submission_penalty=penalty,
                    score=max(0.0, submission.score - penalty), status="submitted")


def _text(value):
    return "" if value is None else str(value)


def _name(student):
    names = [n for n in (student.last_name, student.first_name) if n]
    return ", ".join(names) if names else student.id
