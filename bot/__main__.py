from bot.cli.main import cli

cli()
