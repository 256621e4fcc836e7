"""nbgrader preprocessors that make grading survive whatever students submit."""

import nbformat
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor, OverwriteCells


class RestoreDeletedTestCells(OverwriteCells):
    """OverwriteCells whose restoring of deleted test cells cannot crash.

    nbgrader's own ``add_missing_cells`` puts a deleted test cell after the
    source cell that preceded it, and raises KeyError when that cell was
    deleted too (say a student removed an exercise's solution and test
    cells together). Here each missing test cell goes after the nearest
    earlier source cell still in the notebook, or first if there is none.
    """

    def add_missing_grade_cells(self, nb, resources):
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        source_order = [cell.name for cell in source_nb.source_cells]
        source_by_id = {cell.name: cell for cell in source_nb.source_cells}
        solution_ids = {cell.name for cell in source_nb.solution_cells}
        for grade_cell in source_nb.grade_cells:
            present = self._grade_id_positions(nb)
            if grade_cell.name in present:
                continue
            self.log.warning("Test cell %s was deleted; adding it back", grade_cell.name)
            earlier = source_order[:source_order.index(grade_cell.name)]
            anchors = [present[name] for name in earlier if name in present]
            position = max(anchors) + 1 if anchors else 0
            restored = nbformat.from_dict(self.missing_cell_transform(  # attribute access all the way down
                source_by_id[grade_cell.name], grade_cell.max_score,
                is_solution=grade_cell.name in solution_ids))
            nb.cells.insert(position, restored)
        return nb, resources

    @staticmethod
    def _grade_id_positions(nb):
        return {cell.metadata.nbgrader["grade_id"]: i for i, cell in enumerate(nb.cells)
                if "nbgrader" in cell.metadata and "grade_id" in cell.metadata.nbgrader}


class ShortErrorsInTestCells(NbGraderPreprocessor):
    """Replace the traceback of a failed test cell by its error message.

    IPython prints the lines around the failing one, which can include
    hidden-test lines restored at grading time; feedback shows only
    ``ErrorName: message`` (the messages of the checks say what is wrong).
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and utils.is_grade(cell):
            for output in cell.outputs:
                if output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources
