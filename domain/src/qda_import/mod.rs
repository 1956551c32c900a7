//! Bringing codings made in QDA software back into a study's analysis: a REFI-QDA project read (project.rs), matched to the
//! study's answers and codes and compared with the codings already here (plan.rs), so the
//! researcher can accept each difference before anything is written.

mod codebook;
mod plan;
mod project;
mod run;

pub use codebook::{CodebookPlan, NewCodebookCode, plan_codebook, read_codebook};
pub use plan::{AnswerToMatch, Change, ImportItem, ImportPlan, Known, plan_import};
pub use project::{ImportedCode, ImportedProject, ImportedSelection, ImportedSource, ProjectError, read_qdpx};
pub use run::{Applied, ImportError, Importer, apply, plan_file};
