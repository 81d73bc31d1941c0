"""The Telegram face of the bot: converts updates to core calls and core replies to messages."""
