"""Storage: the runner store on SQLAlchemy (SQLite or PostgreSQL), and its migrations.

The modules are imported by name (bot.storage.repository, bot.storage.database ...); this
package imports none of them, so bot.reminders.planner can use bot.storage.tables while
bot.storage.repository uses the planner.
"""
