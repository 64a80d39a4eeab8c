"""The web dashboard: server-rendered pages over the same services and authorization as the API.

`install(app)` (web/app.py) adds the pages to the API's application: one process, one layer
deciding who sees what. Pages render the API's own result models, so a figure on a page is
the figure `synergies report --format json` and the API give.
"""
