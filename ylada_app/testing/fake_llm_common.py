"""What the fake language-model servers (fake_openai, fake_anthropic) share: the controls a
test drives — scripted answers, injected failures, slow and down modes, the log of request
bodies and API keys — and the grounded default answer (the first knowledge item of the
prompt said in a sentence, or that it does not know). Each fake keeps its own server and
wire format."""

from __future__ import annotations

import re
import threading
from typing import Any

DONT_KNOW = ("Não tenho essa informação aqui. Quer que eu chame um atendente humano para "
             "te ajudar?")

_ITEM = re.compile(r"^\[1\]\s*(.+)$", re.MULTILINE)


def default_answer(messages: list[dict]) -> str:
    prompt = "\n".join(str(m.get("content") or "") for m in messages)
    block = prompt.rsplit("<conhecimento>", 1)[-1] if "<conhecimento>" in prompt else ""
    match = _ITEM.search(block.split("</conhecimento>", 1)[0])
    return _say(match.group(1).strip()) if match else DONT_KNOW


def _say(item: str) -> str:
    """The first item as a person would say it (`make run`'s demo assistant), not as the
    prompt lists it: an FAQ's answer; a product's name, price and description."""
    fields: dict[str, str] = {}
    for part in item.split(" | "):
        key, sep, value = part.partition(": ")
        if sep and value.strip():
            fields.setdefault(key.strip(), value.strip())
    if "Resposta" in fields:
        return fields["Resposta"]
    if "Produto" in fields:
        price = fields.get("Preço", "")
        if price and "R$" not in price:
            price = "R$ " + price
        said = (f"{fields['Produto']} sai por {price}." if price
                else f"Temos {fields['Produto']}.")
        if fields.get("Descrição"):
            said += " " + fields["Descrição"].rstrip(". ") + "."
        return said + " Posso ajudar em mais alguma coisa?"
    return fields.get("Informação") or f"Segundo o nosso catálogo: {item}"


class FakeLlmControls:
    """Mixin: the test thread sets answers and failures; the server threads take them, one
    per request, in order (`_take`)."""

    def _init_controls(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.api_keys: list[str] = []
        self.delay_s = 0.0
        self.down = False
        self._answers: list[str] = []
        self._failures: list[int] = []
        self._lock = threading.Lock()

    # ---- control (test thread) -------------------------------------------------------

    def script(self, *answers: str) -> None:
        with self._lock:
            self._answers.extend(answers)

    def fail_next(self, status: int = 500, count: int = 1) -> None:
        with self._lock:
            self._failures.extend([status] * count)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.api_keys.clear()
            self._answers.clear()
            self._failures.clear()
            self.delay_s = 0.0
            self.down = False

    # ---- server threads --------------------------------------------------------------

    def _take(self, doc: Any, api_key: str) -> tuple[int | None, str | None, float, bool]:
        """Log one request; → (injected failure status, scripted answer, delay, down)."""
        with self._lock:
            self.requests.append(doc if isinstance(doc, dict) else {})
            self.api_keys.append(api_key)
            failure = self._failures.pop(0) if self._failures else None
            answer = self._answers.pop(0) if self._answers else None
            return failure, answer, self.delay_s, self.down
