"""Texts of consent: a number's own opt-out / opt-in words (number page), the flow block that
records a contact's consent to marketing (editor) and where a consent came from (contact
page)."""
# ruff: noqa: E501 - one label a line reads better than wrapped tuples

TEXTS: dict[str, tuple[str, str]] = {
    "consent.error.purpose": ("Finalidade desconhecida.", "Unknown purpose."),
    "consent.error.legal_basis": ("Base legal desconhecida.", "Unknown legal basis."),
    # number page: the words that stop (and restart) messages
    "optout.title": ("Palavras para parar e voltar a receber", "Words to stop and to restart messages"),
    "optout.hint": (
        "Quando um contato envia só uma destas palavras (maiúsculas, minúsculas e acentos não importam), ele deixa de receber mensagens deste número na hora e recebe a confirmação. As palavras para voltar fazem o contrário.",
        "When a contact sends just one of these words (case and accents do not matter), they stop getting messages from this number at once and get the confirmation. The words to come back do the opposite."),
    "optout.words": ("Palavras para parar (separadas por vírgula)", "Words to stop (comma-separated)"),
    "optout.reply": ("Confirmação enviada ao parar", "Confirmation sent on stopping"),
    "optout.reply_hint": ("A confirmação padrão já diz qual palavra envia para voltar.",
                          "The default confirmation already tells which word brings them back."),
    "optin.words": ("Palavras para voltar a receber (separadas por vírgula)", "Words to come back (comma-separated)"),
    "optin.reply": ("Mensagem enviada ao voltar", "Message sent on coming back"),
    "optout.is_default": ("Este número usa as palavras e mensagens padrão.", "This number uses the default words and messages."),
    "optout.restore": ("Restaurar o padrão", "Restore the defaults"),
    "optout.restored": ("Palavras e mensagens padrão restauradas.", "Default words and messages restored."),
    "optout.error.word_long": ("“{word}” é longa demais: cada palavra pode ter até {max} caracteres.",
                               "“{word}” is too long: each word may have up to {max} characters."),
    "optout.error.word_chars": ("“{word}”: use só letras, números e espaços.",
                                "“{word}”: use only letters, digits and spaces."),
    "optout.error.word_letter": ("“{word}”: a palavra precisa ter pelo menos uma letra (números sozinhos se confundem com as opções dos menus).",
                                 "“{word}”: a word needs at least one letter (numbers alone get mixed up with menu options)."),
    "optout.error.too_many": ("Use no máximo {max} palavras.", "Use at most {max} words."),
    "optout.error.optout_empty": ("Informe pelo menos uma palavra: o contato sempre precisa poder parar de receber mensagens.",
                                  "Enter at least one word: a contact must always be able to stop messages."),
    "optout.error.optin_empty": ("Informe pelo menos uma palavra para o contato poder voltar a receber mensagens.",
                                 "Enter at least one word so the contact can come back."),
    "optout.error.in_both": ("“{word}” também está nas palavras para parar: uma palavra não pode estar nas duas listas.",
                             "“{word}” is also a word to stop: a word cannot be in both lists."),
    # flow editor: the consent block
    "editor.kind.consent": ("Registrar consentimento (ofertas)", "Record consent (offers)"),
    "editor.f.consent_hint": (
        "Registra que o contato aceitou receber ofertas e novidades pelo WhatsApp, com data, hora e este fluxo como origem. Coloque depois do “Sim” de uma pergunta como “Quer receber nossas ofertas pelo WhatsApp?”. Quem pediu para parar de receber mensagens continua fora.",
        "Records that the contact agreed to receive offers and news on WhatsApp, with the date, time and this flow as the source. Put it after the “Yes” of a question such as “Would you like to get our offers on WhatsApp?”. Anyone who asked to stop getting messages stays out."),
    # contact page: where a consent came from
    "contacts.consent_src.flow_named": ("no fluxo “{flow}”", "in the flow “{flow}”"),
}
