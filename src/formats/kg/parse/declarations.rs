//! Relation declarations read from their pest pairs: kinds, arrow,
//! `transitive`, `functional`, `inverse` and `excludes`.

use super::*;

impl Ctx {
    /// `relation NAME: KINDS -> KINDS [transitive] [functional]`,
    /// `relation NAME inverse NAME` or `relation NAME excludes NAME`.
    pub(super) fn relation<'s>(&self, pair: Pair<'s, Rule>) -> PResult<Item<'s>> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.text(
            inner
                .next()
                .expect("a relation declaration names the relation"),
        )?;
        let mut declaration = crate::ast::RelationDeclaration {
            name,
            subject: None,
            object: None,
            symmetric: false,
            transitive: false,
            inverse_of: None,
            functional: false,
            excludes: None,
            span,
        };
        let kinds = |pair: Pair<'s, Rule>| -> PResult<Option<Vec<Text<'s>>>> {
            let list: Vec<Text<'s>> = pair
                .into_inner()
                .map(|k| self.text(k))
                .collect::<PResult<_>>()?;
            Ok(if list.iter().any(|k| k.text == "any") {
                None
            } else {
                Some(list)
            })
        };
        let mut sides = 0;
        let mut excludes = false;
        for p in inner {
            match p.as_rule() {
                Rule::kinds if sides == 0 => {
                    declaration.subject = kinds(p)?;
                    sides += 1;
                }
                Rule::kinds => declaration.object = kinds(p)?,
                Rule::arrow => declaration.symmetric = p.as_str() == "<->",
                Rule::transitive => declaration.transitive = true,
                Rule::functional => declaration.functional = true,
                Rule::excludes => excludes = true,
                Rule::predicate if excludes => declaration.excludes = Some(self.text(p)?),
                Rule::predicate => declaration.inverse_of = Some(self.text(p)?),
                _ => {}
            }
        }
        Ok(Item::Relation(declaration))
    }
}
