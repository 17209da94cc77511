"""The web page and HTTP API of computegeo (``computegeo serve``; needs the ``web`` extra).

The API calls the same public functions as the CLI; plan jobs run in worker processes with
their progress and results kept in a SQLite job store, so a restart loses nothing. Importing
this package only defines things; :func:`computegeo.web.app.create_app` builds the app.
"""
