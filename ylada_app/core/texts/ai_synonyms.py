"""Labels of the "Sinônimos" card of the Treinar IA page and of its service errors."""

TEXTS: dict[str, tuple[str, str]] = {
    "synonyms.title": ("Palavras dos seus clientes", "Your customers' words"),
    "synonyms.help": (
        "Ensine o assistente a entender como seus clientes falam. Vale para todas as "
        "instâncias do seu negócio.",
        "Teach the assistant how your customers talk. Applies to every instance of your "
        "business."),
    "synonyms.phrase": ("Quando o cliente disser", "When the customer says"),
    "synonyms.phrase_example": ("ex.: marmitex", "e.g. lunchbox"),
    "synonyms.meaning": ("entenda", "understand"),
    "synonyms.meaning_example": ("ex.: prato executivo", "e.g. set meal"),
    "synonyms.add": ("Ensinar", "Teach"),
    "synonyms.when": ("Quando o cliente disser", "When the customer says"),
    "synonyms.understand": ("entenda", "understand"),
    "synonyms.delete": ("Remover", "Remove"),
    "synonyms.none": ("Nenhuma palavra ensinada ainda.", "No words taught yet."),
    "synonyms.saved": ("Palavra ensinada ao assistente.", "Word taught to the assistant."),
    "synonyms.phrase_required": ("Informe o que o cliente diz.", "Enter what the customer says."),
    "synonyms.phrase_too_long": ("Use até 80 caracteres.", "Use up to 80 characters."),
    "synonyms.meaning_required": ("Informe o que o assistente deve entender.",
                                  "Enter what the assistant should understand."),
    "synonyms.meaning_too_long": ("Use até 200 caracteres.", "Use up to 200 characters."),
    "synonyms.same_words": ("Escreva palavras diferentes nos dois campos.",
                            "Use different words in the two fields."),
    "synonyms.too_many": ("Limite de {max} palavras ensinadas atingido.",
                          "Limit of {max} taught words reached."),
}
