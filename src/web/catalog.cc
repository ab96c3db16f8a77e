#include "web/catalog.h"

namespace tocsin::web {
namespace {

const Strings kEnglish = {
    {"lang", "en"},
    {"signatures", "signatures"},
    {"of_goal", "of goal"},
    {"field_name", "Full name"},
    {"field_email", "Email"},
    {"field_phone", "Mobile phone"},
    {"field_zip", "ZIP / postal code"},
    {"field_comments", "Comment"},
    {"submit_petitions", "Sign"},
    {"submit_forms", "Submit"},
    {"submit_events", "RSVP"},
    {"submit_fundraising_pages", "Pledge"},
    {"submit_advocacy_campaigns", "Send"},
    {"email_opt_in", "Email me updates from this organization."},
    {"sms_opt_in", "Text me updates (optional)."},
    {"required", "This field is required."},
    {"invalid_email", "Enter a valid email address."},
    {"invalid_phone", "Enter a valid phone number."},
    {"form_expired", "This form expired; please submit it again."},
    {"disclosure_changed", "The terms on this page changed; please review them and submit again."},
    {"rejected", "We could not record this submission."},
    {"too_many", "Too many submissions; please try again later."},
    {"challenge_note",
     "This page is receiving many submissions: your browser runs a short check before sending. Without "
     "JavaScript, take a few seconds before you send."},
    {"challenge_checking", "Checking…"},
    {"challenge_wait", "Please wait {n} seconds, then send again."},
    {"challenge_failed", "The check did not pass; please send the form again."},
    {"thanks_title", "Thank you!"},
    {"thanks_body", "Your response was recorded."},
    {"share", "Share"},
    {"privacy_notice", "Privacy notice"},
    {"cookie_notice", "Cookies"},
    {"cookie_settings", "Cookie settings"},
    {"cookie_banner", "We use only strictly necessary cookies unless you allow more."},
    {"accept_all", "Accept all"},
    {"reject_all", "Reject all"},
    {"save_choice", "Save choice"},
    {"cat_functional", "Functional (remember my details)"},
    {"cat_performance", "Performance (none used)"},
    {"cookie_table", "Cookies this site may set"},
    {"col_name", "Name"},
    {"col_category", "Category"},
    {"col_purpose", "Purpose"},
    {"col_lifetime", "Lifetime"},
    {"session", "session"},
    {"days", "days"},
    {"cookie_session", "Ties a form to your browser to block forged submissions."},
    {"cookie_consent", "Remembers your cookie choice."},
    {"cookie_prefill", "Prefills your name and email next time (only if you allow functional cookies)."},
    {"beacons",
     "Emails to supporters of organizations under the GDPR carry no open-tracking pixels by default."},
    {"gpc_honored", "Your browser's Global Privacy Control signal is honored as a refusal."},
    {"not_found", "Page not found."},
    {"my_heading", "Your subscriptions"},
    {"my_intro", "Choose what you receive from this organization. Changes take effect at once."},
    {"channel_email", "Email"},
    {"channel_sms", "Text messages"},
    {"st_subscribed", "Subscribed"},
    {"st_unsubscribed", "Not subscribed"},
    {"st_bouncing", "Paused: messages to this address bounce"},
    {"st_complaint", "Stopped after a spam report"},
    {"st_erased", "Erased at your request; it cannot be subscribed again"},
    {"st_platform", "Blocked on this platform; it cannot be subscribed again"},
    {"my_unsubscribe_email", "Unsubscribe from email"},
    {"my_unsubscribe_sms", "Unsubscribe from text messages"},
    {"my_resubscribe_email", "Subscribe to email again"},
    {"my_resubscribe_sms", "Subscribe to text messages again"},
    {"my_other_channel", "To subscribe this one again, use a link sent to it."},
    {"done_unsubscribed", "You are unsubscribed."},
    {"done_unchanged", "Nothing changed."},
    {"done_resubscribed", "You are subscribed again."},
    {"done_confirm", "We sent a confirmation email to this address: select its link to subscribe again."},
    {"cannot_resubscribe", "This cannot be subscribed again."},
    {"my_data_heading", "Your data"},
    {"my_data_intro",
     "Ask this organization for a copy of your data, or to delete it. It must answer by the due date shown."},
    {"my_access", "Download my data"},
    {"my_erasure", "Delete me"},
    {"my_erasure_note",
     "Deleting removes your details and records; only a coded mark stays, so you are never subscribed again "
     "by mistake."},
    {"my_tracking_heading", "Opens and clicks"},
    {"my_tracking_intro",
     "Some organizations count who opens their emails and which links they select. You can object to it."},
    {"my_no_tracking", "Do not track whether I open or click"},
    {"my_not_tracked", "Whether you open our emails or select their links is not recorded, since"},
    {"done_not_tracked", "Done: whether you open or click is no longer recorded."},
    {"request_recorded", "Your request was recorded."},
    {"request_exists", "You already have an open request of this kind."},
    {"request_reference", "Reference"},
    {"request_due", "Due by"},
    {"link_invalid",
     "This link is not valid or has expired. Use the link in the most recent message you received."},
    {"taken_down_title", "This page was taken down"},
    {"taken_down_body", "The platform that hosts this page took it down after a report of abuse:"},
    {"taken_down_closed", "Nothing can be signed or submitted here."},
    {"try_again", "We could not record this just now; please try again."},
    {"pn_controller", "Who is responsible"},
    {"pn_controller_text", "The data controller is"},
    {"pn_contact", "Privacy questions"},
    {"pn_dpo", "Data protection officer"},
    {"pn_dpo_none", "None designated."},
    {"pn_collect", "What we collect"},
    {"pn_collect_text",
     "What you type into a form (name, email, phone, postal code, comments), and a record of each consent: "
     "when, on which page and version, the exact text shown, your IP address and browser."},
    {"pn_why", "Why"},
    {"pn_why_text",
     "To contact you as you asked, to count your action, and to prove your consent. Your data is never "
     "shared "
     "with other organizations on this platform."},
    {"pn_gdpr", "The GDPR applies: requests are answered within 30 days."},
    {"pn_retention", "How long we keep it"},
    {"pn_ret_evidence", "The IP address and browser recorded with each consent are kept for {{n}} days."},
    {"pn_ret_evidence_kept", "The IP address and browser recorded with each consent are kept with it."},
    {"pn_ret_texts", "Texts you send us are deleted after {{n}} days."},
    {"pn_ret_texts_kept", "Texts you send us are kept."},
    {"pn_ret_inactive", "With no subscription and no activity for {{n}} months, your data is erased."},
    {"pn_ret_inactive_never", "Your details are kept while you are a supporter."},
    {"pn_ret_erasure",
     "When you ask us to delete your data, only a coded mark of your address stays, so you are never "
     "subscribed again by mistake."},
    {"pn_rights", "Your rights"},
    {"pn_rights_text",
     "You can ask for a copy of your data, to correct, delete, restrict or transfer it, and object to its "
     "use. "
     "Use the \u201cManage your preferences\u201d link in any email we sent you, or write to the contact "
     "above."},
    {"pn_texts", "Text messages"},
};

const Strings kSpanish = {
    {"lang", "es"},
    {"signatures", "firmas"},
    {"of_goal", "de la meta"},
    {"field_name", "Nombre completo"},
    {"field_email", "Correo electrónico"},
    {"field_phone", "Teléfono móvil"},
    {"field_zip", "Código postal"},
    {"field_comments", "Comentario"},
    {"submit_petitions", "Firmar"},
    {"submit_forms", "Enviar"},
    {"submit_events", "Confirmar asistencia"},
    {"submit_fundraising_pages", "Comprometerme"},
    {"submit_advocacy_campaigns", "Enviar"},
    {"email_opt_in", "Quiero recibir novedades de esta organización por correo."},
    {"sms_opt_in", "Quiero recibir mensajes de texto (opcional)."},
    {"required", "Este campo es obligatorio."},
    {"invalid_email", "Escribe un correo electrónico válido."},
    {"invalid_phone", "Escribe un número de teléfono válido."},
    {"form_expired", "El formulario caducó; envíalo de nuevo."},
    {"disclosure_changed", "Las condiciones de esta página cambiaron; revísalas y envía de nuevo."},
    {"rejected", "No pudimos registrar este envío."},
    {"too_many", "Demasiados envíos; inténtalo más tarde."},
    {"challenge_note",
     "Esta página recibe muchos envíos: tu navegador hace una breve comprobación antes de enviar. Sin "
     "JavaScript, espera unos segundos antes de enviar."},
    {"challenge_checking", "Comprobando…"},
    {"challenge_wait", "Espera {n} segundos y envía de nuevo."},
    {"challenge_failed", "La comprobación no pasó; envía el formulario de nuevo."},
    {"thanks_title", "¡Gracias!"},
    {"thanks_body", "Registramos tu respuesta."},
    {"share", "Compartir"},
    {"privacy_notice", "Aviso de privacidad"},
    {"cookie_notice", "Cookies"},
    {"cookie_settings", "Configuración de cookies"},
    {"cookie_banner", "Solo usamos cookies estrictamente necesarias salvo que permitas más."},
    {"accept_all", "Aceptar todas"},
    {"reject_all", "Rechazar todas"},
    {"save_choice", "Guardar selección"},
    {"cat_functional", "Funcionales (recordar mis datos)"},
    {"cat_performance", "De rendimiento (no se usan)"},
    {"cookie_table", "Cookies que este sitio puede usar"},
    {"col_name", "Nombre"},
    {"col_category", "Categoría"},
    {"col_purpose", "Finalidad"},
    {"col_lifetime", "Duración"},
    {"session", "sesión"},
    {"days", "días"},
    {"cookie_session", "Vincula el formulario a tu navegador para impedir envíos falsificados."},
    {"cookie_consent", "Recuerda tu elección de cookies."},
    {"cookie_prefill", "Rellena tu nombre y correo la próxima vez (solo si permites cookies funcionales)."},
    {"beacons",
     "Los correos de organizaciones sujetas al RGPD no llevan píxeles de seguimiento de apertura por "
     "defecto."},
    {"gpc_honored", "Respetamos la señal Global Privacy Control de tu navegador como rechazo."},
    {"not_found", "Página no encontrada."},
    {"my_heading", "Tus suscripciones"},
    {"my_intro", "Elige qué recibes de esta organización. Los cambios se aplican de inmediato."},
    {"channel_email", "Correo electrónico"},
    {"channel_sms", "Mensajes de texto"},
    {"st_subscribed", "Suscrito"},
    {"st_unsubscribed", "No suscrito"},
    {"st_bouncing", "En pausa: los mensajes a esta dirección rebotan"},
    {"st_complaint", "Detenido tras una denuncia de spam"},
    {"st_erased", "Borrado a tu petición; no puede volver a suscribirse"},
    {"st_platform", "Bloqueado en esta plataforma; no puede volver a suscribirse"},
    {"my_unsubscribe_email", "Darme de baja del correo"},
    {"my_unsubscribe_sms", "Darme de baja de los mensajes de texto"},
    {"my_resubscribe_email", "Volver a suscribirme al correo"},
    {"my_resubscribe_sms", "Volver a suscribirme a los mensajes de texto"},
    {"my_other_channel", "Para volver a suscribir este, usa un enlace enviado a él."},
    {"done_unsubscribed", "Te diste de baja."},
    {"done_unchanged", "No cambió nada."},
    {"done_resubscribed", "Volviste a suscribirte."},
    {"done_confirm",
     "Enviamos un correo de confirmación a esta dirección: usa su enlace para volver a suscribirte."},
    {"cannot_resubscribe", "No puede volver a suscribirse."},
    {"my_data_heading", "Tus datos"},
    {"my_data_intro",
     "Pide a esta organización una copia de tus datos, o que los borre. Debe responder antes de la fecha "
     "indicada."},
    {"my_access", "Descargar mis datos"},
    {"my_erasure", "Borrarme"},
    {"my_erasure_note",
     "Borrar elimina tus datos y registros; solo queda una marca cifrada, para que nunca vuelvas a quedar "
     "suscrito por error."},
    {"my_tracking_heading", "Aperturas y clics"},
    {"my_tracking_intro",
     "Algunas organizaciones cuentan quién abre sus correos y qué enlaces selecciona. Puedes oponerte."},
    {"my_no_tracking", "No registrar si abro o hago clic"},
    {"my_not_tracked", "No se registra si abres nuestros correos o seleccionas sus enlaces, desde el"},
    {"done_not_tracked", "Listo: ya no se registra si abres o haces clic."},
    {"request_recorded", "Registramos tu solicitud."},
    {"request_exists", "Ya tienes una solicitud abierta de este tipo."},
    {"request_reference", "Referencia"},
    {"request_due", "Plazo"},
    {"link_invalid",
     "Este enlace no es válido o caducó. Usa el enlace del mensaje más reciente que recibiste."},
    {"taken_down_title", "Esta página fue retirada"},
    {"taken_down_body", "La plataforma que aloja esta página la retiró tras una denuncia de abuso:"},
    {"taken_down_closed", "Aquí ya no se puede firmar ni enviar nada."},
    {"try_again", "No pudimos registrarlo ahora; inténtalo de nuevo."},
    {"pn_controller", "Quién es responsable"},
    {"pn_controller_text", "El responsable del tratamiento es"},
    {"pn_contact", "Preguntas sobre privacidad"},
    {"pn_dpo", "Delegado de protección de datos"},
    {"pn_dpo_none", "No designado."},
    {"pn_collect", "Qué recogemos"},
    {"pn_collect_text",
     "Lo que escribes en un formulario (nombre, correo, teléfono, código postal, comentarios) y un registro "
     "de "
     "cada consentimiento: cuándo, en qué página y versión, el texto exacto mostrado, tu dirección IP y tu "
     "navegador."},
    {"pn_why", "Para qué"},
    {"pn_why_text",
     "Para contactarte como pediste, contar tu acción y probar tu consentimiento. Tus datos nunca se "
     "comparten "
     "con otras organizaciones de esta plataforma."},
    {"pn_gdpr", "Se aplica el RGPD: respondemos a las solicitudes en un plazo de 30 días."},
    {"pn_retention", "Cuánto tiempo los conservamos"},
    {"pn_ret_evidence",
     "La dirección IP y el navegador registrados con cada consentimiento se conservan {{n}} días."},
    {"pn_ret_evidence_kept",
     "La dirección IP y el navegador registrados con cada consentimiento se conservan con él."},
    {"pn_ret_texts", "Los mensajes de texto que nos envías se borran a los {{n}} días."},
    {"pn_ret_texts_kept", "Los mensajes de texto que nos envías se conservan."},
    {"pn_ret_inactive", "Sin suscripción ni actividad durante {{n}} meses, tus datos se borran."},
    {"pn_ret_inactive_never", "Tus datos se conservan mientras seas simpatizante."},
    {"pn_ret_erasure",
     "Si pides borrar tus datos, solo queda una marca cifrada de tu dirección, para que nunca vuelvas a "
     "quedar "
     "suscrito por error."},
    {"pn_rights", "Tus derechos"},
    {"pn_rights_text",
     "Puedes pedir una copia de tus datos, corregirlos, borrarlos, limitarlos o transferirlos, y oponerte a "
     "su "
     "uso. Usa el enlace \u201cManage your preferences\u201d de cualquier correo que te enviamos, o escribe "
     "al contacto indicado."},
    {"pn_texts", "Mensajes de texto"},
};

}  // namespace

bool supported_language(std::string_view lang) {
  return lang == "en" || lang == "es";
}

const Strings& strings(std::string_view lang) {
  return lang == "es" ? kSpanish : kEnglish;
}

std::string choose_language(std::string_view action_language, const std::optional<std::string>& lang_param,
                            const std::string* accept_language) {
  if (supported_language(action_language)) return std::string(action_language);
  if (lang_param && supported_language(*lang_param)) return *lang_param;
  if (accept_language) {
    // Tags in the order given (q-values are rarely other than descending); the primary subtag decides.
    std::string_view h = *accept_language;
    while (!h.empty()) {
      auto comma = h.find(',');
      std::string_view tag = h.substr(0, comma);
      while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
      std::string primary(tag.substr(0, std::min(tag.find_first_of("-;"), tag.size())));
      for (auto& c : primary) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (supported_language(primary)) return primary;
      if (comma == std::string_view::npos) break;
      h.remove_prefix(comma + 1);
    }
  }
  return "en";
}

}  // namespace tocsin::web
