//! Which parameter names an operation takes. The command line, a flow's steps and an imported
//! cURL command all refuse a name the operation does not take, naming those it does; the rule
//! lives here once, and each of them words the refusal its own way.

use super::Operation;

/// Where a named parameter goes in the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamPlace {
    Path,
    Query,
}

/// A parameter name the operation does not take, with the names it does take (in document
/// order, maybe none), so the refusal can say what would be accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownParam<'o> {
    pub place: ParamPlace,
    /// The name as given, unescaped: each caller shows it in its own way.
    pub name: String,
    pub accepted: Vec<&'o str>,
}

impl Operation {
    /// The names of the operation's parameters in `place`, in document order.
    pub fn param_names(&self, place: ParamPlace) -> Vec<&str> {
        match place {
            ParamPlace::Path => self.path_params.iter().map(|p| p.name.as_str()).collect(),
            ParamPlace::Query => self.query_params.iter().map(|p| p.name.as_str()).collect(),
        }
    }

    /// Whether the operation takes a parameter called `name` in `place`.
    pub fn takes_param(&self, place: ParamPlace, name: &str) -> bool {
        self.param_names(place).contains(&name)
    }

    /// Refuses the first of `names` the operation does not take in `place`.
    pub fn check_param_names<'n>(
        &self,
        place: ParamPlace,
        names: impl IntoIterator<Item = &'n str>,
    ) -> Result<(), UnknownParam<'_>> {
        let accepted = self.param_names(place);
        match names.into_iter().find(|name| !accepted.contains(name)) {
            None => Ok(()),
            Some(name) => Err(UnknownParam {
                place,
                name: name.to_owned(),
                accepted,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operation(id: &str) -> &'static Operation {
        crate::contract::embedded().unwrap().operation(id).unwrap()
    }

    #[test]
    fn names_the_operation_takes_pass() {
        let trigger = operation("triggerWorkspaceCampaign");
        let path = ["workspaceId", "campaignId"];
        assert_eq!(trigger.check_param_names(ParamPlace::Path, path), Ok(()));
        let list = operation("listPeople");
        assert_eq!(list.check_param_names(ParamPlace::Query, ["limit"]), Ok(()));
        assert_eq!(list.check_param_names(ParamPlace::Query, []), Ok(()));
        assert!(list.takes_param(ParamPlace::Query, "status"));
    }

    #[test]
    fn the_first_unknown_name_is_refused_with_what_is_accepted() {
        let list = operation("listPeople");
        let error = list
            .check_param_names(ParamPlace::Query, ["limit", "page", "bogus"])
            .unwrap_err();
        assert_eq!(
            error,
            UnknownParam {
                place: ParamPlace::Query,
                name: "page".to_owned(),
                accepted: vec!["limit", "offset", "status", "search"],
            }
        );
    }

    #[test]
    fn a_name_in_the_other_place_is_unknown() {
        let get = operation("getPerson");
        assert!(get.takes_param(ParamPlace::Path, "id"));
        assert!(!get.takes_param(ParamPlace::Query, "id"));
        let error = get
            .check_param_names(ParamPlace::Query, ["id"])
            .unwrap_err();
        assert_eq!(error.accepted, Vec::<&str>::new(), "it takes no query");
        assert_eq!(error.place, ParamPlace::Query);
    }

    #[test]
    fn names_are_exact() {
        let get = operation("getPerson");
        assert!(!get.takes_param(ParamPlace::Path, "ID"));
        assert!(!get.takes_param(ParamPlace::Path, "id "));
    }
}
