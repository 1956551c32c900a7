//! Where a live workshop is: the step shown, whether the room may answer, whether results are
//! shown, whether phones may still join. The facilitator's controls change it; every change
//! counts up its revision, which phones and projectors use to notice what they missed.

/// A workshop's live state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LiveState {
    pub step: usize,
    pub answering_open: bool,
    pub results_shown: bool,
    pub joining_open: bool,
    /// How many times the step shown has been asked: 1, and one more each time it is asked
    /// again; 1 again on another step.
    pub round: i64,
    pub revision: i64,
}

/// What the facilitator's console can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Next,
    Back,
    OpenAnswering,
    CloseAnswering,
    ShowResults,
    HideResults,
    OpenJoining,
    CloseJoining,
    /// Ask the step's questions again, after discussion: a new round, answering open, results
    /// hidden, so the room answers alone again.
    AskAgain,
}

impl Control {
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "next" => Self::Next,
            "back" => Self::Back,
            "open-answering" => Self::OpenAnswering,
            "close-answering" => Self::CloseAnswering,
            "show-results" => Self::ShowResults,
            "hide-results" => Self::HideResults,
            "open-joining" => Self::OpenJoining,
            "close-joining" => Self::CloseJoining,
            "ask-again" => Self::AskAgain,
            _ => return None,
        })
    }
}

impl LiveState {
    /// A new workshop: on its first step, joining open, answering closed, nothing shown.
    pub fn start() -> Self {
        Self {
            step: 0,
            answering_open: false,
            results_shown: false,
            joining_open: true,
            round: 1,
            revision: 1,
        }
    }

    /// The state after `control` in a workshop of `steps` steps; None when it changes nothing
    /// (the last step has no next). Moving to another step closes answering and hides results,
    /// so a room never sees the next results before it has answered.
    pub fn after(self, control: Control, steps: usize) -> Option<Self> {
        let mut next = self;
        match control {
            Control::Next if self.step + 1 < steps => next.step += 1,
            Control::Back if self.step > 0 => next.step -= 1,
            Control::Next | Control::Back => return None,
            Control::OpenAnswering => next.answering_open = true,
            Control::CloseAnswering => next.answering_open = false,
            Control::ShowResults => next.results_shown = true,
            Control::HideResults => next.results_shown = false,
            Control::OpenJoining => next.joining_open = true,
            Control::CloseJoining => next.joining_open = false,
            Control::AskAgain => {
                next.round += 1;
                next.answering_open = true;
                next.results_shown = false;
            }
        }
        if matches!(control, Control::Next | Control::Back) {
            next.answering_open = false;
            next.results_shown = false;
            next.round = 1;
        }
        if next == self {
            return None;
        }
        next.revision += 1;
        Some(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stepping_on_closes_answering_and_hides_results() {
        let open = LiveState::start()
            .after(Control::OpenAnswering, 3)
            .unwrap()
            .after(Control::ShowResults, 3)
            .unwrap();
        assert!(open.answering_open && open.results_shown);
        assert_eq!(open.revision, 3);
        let next = open.after(Control::Next, 3).unwrap();
        assert_eq!((next.step, next.answering_open, next.results_shown), (1, false, false));
        assert_eq!(LiveState::start().after(Control::Back, 3), None);
        let last = next.after(Control::Next, 3).unwrap();
        assert_eq!(last.after(Control::Next, 3), None, "no step after the last");
        assert_eq!(last.after(Control::CloseAnswering, 3), None, "already closed");
    }

    #[test]
    fn asking_again_opens_a_new_round_with_results_hidden_until_another_step() {
        let shown = LiveState::start()
            .after(Control::OpenAnswering, 3)
            .and_then(|s| s.after(Control::ShowResults, 3))
            .unwrap();
        let again = shown.after(Control::AskAgain, 3).unwrap();
        assert_eq!(
            (again.round, again.answering_open, again.results_shown),
            (2, true, false)
        );
        assert_eq!(again.after(Control::AskAgain, 3).unwrap().round, 3);
        assert_eq!(again.after(Control::Next, 3).unwrap().round, 1);
    }
}
