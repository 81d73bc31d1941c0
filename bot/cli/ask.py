"""`fraudbot ask` and `fraudbot check`: what a resident would get, for testing the knowledge base."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path

import click

from bot.cli.common import config_option, get_config, get_store
from bot.core.answering.assistant import Asker, Assistant
from bot.core.answering.reply import compose_check, format_plain
from bot.core.checking import check_message

# answer(text, conversation id or None) -> (JSON object, plain text)
Answer = Callable[[str, str | None], tuple[dict, str]]


def _run(text: str | None, as_json: bool, jsonl: bool, answer: Answer) -> None:
    if jsonl:
        for number, line in enumerate(sys.stdin, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                value = item["text"] if isinstance(item, dict) else None
                if not isinstance(value, str):
                    raise ValueError('expected {"text": "..."}')
                conversation = item.get("conversation")
                if conversation is not None and not isinstance(conversation, (str, int)):
                    raise ValueError('"conversation" must be a string or a number')
            except (ValueError, KeyError) as exc:
                click.echo(json.dumps({"error": f"line {number}: {exc}"}, ensure_ascii=False))
                continue
            click.echo(json.dumps(answer(value, None if conversation is None else str(conversation))[0], ensure_ascii=False))
        return
    if text is None:
        raise click.UsageError("give the text as an argument, or use --jsonl to read JSON lines from stdin")
    data, plain = answer(text, None)
    click.echo(json.dumps(data, ensure_ascii=False, indent=2) if as_json else plain, nl=not plain.endswith("\n") or as_json)


@click.command()
@click.argument("text", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (status, topic, score, candidates, urgent, situation, followup, lang).")
@click.option("--jsonl", is_flag=True, help='Read {"text": ...} lines from stdin, write one JSON object per line, in order; '
              'lines with the same "conversation" id are answered as one conversation (follow-ups in context).')
@click.option("--lang", type=click.Choice(["sv", "en"]), help="Language when the text does not tell (default: default_language).")
@config_option
def ask(text: str | None, as_json: bool, jsonl: bool, lang: str | None, config_path: Path | None) -> None:
    """Answer a resident's question as the bot would (nothing is logged)."""
    config = get_config(config_path)
    assistant = Assistant(get_store(config), None, lang or config.default_language)
    loop = asyncio.new_event_loop()

    def answer(value: str, conversation: str | None) -> tuple[dict, str]:
        result, view = loop.run_until_complete(assistant.ask(value, Asker("cli", conversation), lang))
        return result.as_dict(), format_plain(view)

    try:
        _run(text, as_json, jsonl, answer)
    finally:
        loop.close()


@click.command()
@click.argument("text", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (risk, signals, topics, lang, advice, actions).")
@click.option("--jsonl", is_flag=True, help='Read {"text": ...} lines from stdin, write one JSON object per line, in order.')
@click.option("--lang", type=click.Choice(["sv", "en"]), help="Language when the text does not tell (default: default_language).")
@config_option
def check(text: str | None, as_json: bool, jsonl: bool, lang: str | None, config_path: Path | None) -> None:
    """Check a pasted SMS, e-mail or chat message for signs of fraud."""
    config = get_config(config_path)
    store = get_store(config)
    default = lang or config.default_language

    def answer(value: str, conversation: str | None) -> tuple[dict, str]:
        kb = store.kb
        result = check_message(value, kb.signals, default)
        return result.as_dict(), format_plain(compose_check(result, kb))

    _run(text, as_json, jsonl, answer)
