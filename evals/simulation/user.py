"""A model that plays the customer from the task's instruction alone, as tau-bench's user simulator does.

The prompt is tau-bench's (github.com/sierra-research/tau-bench, ``envs/user.py``, MIT) with the rules players
follow here (../shared/PLAYING-A-CUSTOMER.md) folded in. The roles are mirrored: the model is the "assistant" and
the bot's replies are its "user" messages; the conversation opens with the agent's greeting, as in tau-bench. The
model writes ``###STOP###`` when its goal is done.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from evals.simulation import SimulationError
from evals.simulation.folder import CUSTOMER
from shopdesk.settings import Settings

STOP = "###STOP###"
GREETING = "Hi! How can I help you today?"

SYSTEM_PROMPT = """You are a user interacting with an agent.

Instruction: {instruction}

Rules:
- Just generate one line at a time to simulate the user's message.
- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.
- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the \
order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or \
have it.
- Describe items the way a shopper would ("the mechanical keyboard", "the blue one"), never by item ids, unless the \
agent shows ids and asks you to pick.
- Confirm only what matches your goal; correct the agent when it proposes something else.
- If the instruction goal is satisified, generate '{stop}' as a standalone message without anything else to end the \
conversation.
- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same \
information.
- Try to make the conversation as natural as possible, and stick to the personalities in the instruction."""


def prompt(instruction: str, transcript: list[dict[str, Any]]) -> list[BaseMessage]:
    """The simulator's messages: its instructions, the agent's greeting, then the conversation with roles mirrored."""
    messages: list[BaseMessage] = [
        SystemMessage(SYSTEM_PROMPT.format(instruction=instruction, stop=STOP)),
        HumanMessage(GREETING),
    ]
    for entry in transcript:
        text = str(entry["text"]) or "(no reply)"
        messages.append(AIMessage(text) if entry["role"] == CUSTOMER else HumanMessage(text))
    return messages


class ModelUser:
    """The customer, played by a chat model behind an OpenAI-compatible endpoint."""

    def __init__(self, model: Any, name: str) -> None:
        self.model = model
        self.name = name

    @classmethod
    def from_settings(cls, settings: Settings, model_name: str | None = None) -> ModelUser:
        if not (settings.openai_base_url or settings.openai_api_key):
            raise SimulationError(
                "no model to play the customer: set OPENAI_BASE_URL and/or OPENAI_API_KEY (any OpenAI-compatible "
                "endpoint), or play it yourself with --say"
            )
        from langchain_openai import ChatOpenAI

        name = model_name or settings.openai_model
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
        model = ChatOpenAI(
            model=name,
            base_url=settings.openai_base_url,
            api_key=key,  # type: ignore[arg-type]
            timeout=settings.openai_timeout_s,
            max_retries=1,
            temperature=0,
        )
        return cls(model, name)

    def next_message(self, instruction: str, transcript: list[dict[str, Any]]) -> str:
        reply = self.model.invoke(prompt(instruction, transcript))
        return str(reply.content).strip()
