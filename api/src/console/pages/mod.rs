//! One module per page.
pub mod actions;
pub mod admin;
pub mod agreement;
pub mod audit;
pub mod case;
pub mod cases;
pub mod confirmation;
pub mod documents;
pub mod errors;
pub mod federation_admin;
pub mod home;
pub mod intake;
pub mod investigators;
pub mod login;
pub mod notifications;
pub mod referrals;

use poem::web::Form;
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::{LANG_COOKIE, Lang, form_of, see_other, set_cookie};
use crate::service::sessions;

#[derive(Deserialize)]
pub struct LanguageForm {
    csrf: String,
    lang: String,
    /// The page the switch was on.
    #[serde(default)]
    back: String,
}

/// Switches the signed-in user's language (kept with the session and in a cookie for the next
/// sign-in).
#[handler]
pub async fn language(req: &Request, Form(form): Form<LanguageForm>) -> Response {
    let (ctx, session) = match form_of(req, &form.csrf).await {
        Ok(signed_in) => signed_in,
        Err(answer) => return answer,
    };
    let lang = Lang::from_tag(&form.lang);
    if let Err(e) = sessions::set_language(&ctx.state, &session, lang.tag()).await {
        return errors::for_error(&ctx, &e);
    }
    set_cookie(req.cookie(), &ctx.state, LANG_COOKIE, lang.tag().to_owned());
    see_other(local_path(&form.back))
}

/// `back` when it is a path of this site, else the home page: a form never sends anyone
/// elsewhere.
pub fn local_path(back: &str) -> &str {
    if back.starts_with('/') && !back.starts_with("//") && !back.contains('\\') {
        back
    } else {
        "/"
    }
}
