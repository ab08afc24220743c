"""A terminal chat with the bot; a second role lets you play the human agent when the bot hands over."""

from __future__ import annotations

import uuid

from graph.context import Context
from shopdesk.conversations import Conversations, Turn
from shopdesk.plaintext import as_plain_text
from shopdesk.runtime import open_graph
from shopdesk.settings import Settings

HELP = """Type a message as the customer. Commands:
  /agent <text>     reply as the human agent (when the bot handed over)
  /approve | /reject [note]   decide a pending approval as the human agent
  /handback | /resolve        hand the conversation back to the bot, or close it
  /new              start a new conversation       /quit   leave"""


def _show(turn: Turn) -> None:
    for reply in turn.replies:
        who = "agent" if reply["author"].startswith("agent") else "bot"
        print(f"\n{who}> {as_plain_text(reply['text'])}")
        if reply["evidence_ids"]:
            print(f"      [evidence: {', '.join(reply['evidence_ids'])}]")
    if turn.interrupt:
        kind = turn.interrupt.get("type")
        if kind == "handoff" and not turn.interrupt.get("answered"):
            print(
                f"\n  -- handed over ({', '.join(turn.interrupt.get('reasons', []))}); "
                f"summary: {turn.interrupt.get('summary')}\n  -- reply with /agent <text>"
            )
        elif kind == "approval":
            print(f"\n  -- approval needed: {turn.interrupt.get('preview', {}).get('summary')}; /approve or /reject")


async def chat(settings: Settings, thread_id: str | None = None) -> None:
    thread_id = thread_id or f"chat-{uuid.uuid4().hex[:8]}"
    context = Context(shop_id=settings.shop_id)
    async with open_graph(settings) as graph:
        conversations = Conversations(graph)
        print(f"Conversation {thread_id} (engine: {settings.resolved_engine}). {HELP}")
        while True:
            try:
                line = input("\nyou> ").strip()
            except (EOFError, KeyboardInterrupt):
                print()
                return
            if not line:
                continue
            if line == "/quit":
                return
            if line == "/new":
                thread_id = f"chat-{uuid.uuid4().hex[:8]}"
                print(f"New conversation {thread_id}")
                continue
            command, _, rest = line.partition(" ")
            if command == "/agent":
                turn = await conversations.resume(
                    thread_id, {"action": "reply", "text": rest, "agent": "console"}, context
                )
            elif command in ("/approve", "/reject"):
                decision = {"decision": command[1:], "by": "console", "note": rest}
                turn = await conversations.resume(thread_id, decision, context)
            elif command in ("/handback", "/resolve"):
                turn = await conversations.resume(thread_id, {"action": command[1:], "agent": "console"}, context)
            elif command.startswith("/"):
                print(HELP)
                continue
            else:
                turn = await conversations.send(thread_id, line, context)
            _show(turn)
