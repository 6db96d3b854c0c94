"""The supervisor's review: the central store's inbox, one inspection's detail, and actions.

`ReviewPanel` is the first tab of the supervisor's home. It talks to the central store
through `fieldapp.app.review.desk.ReviewDesk` on the task runner; `open_desk` there makes
that desk for the demo's central store on this machine or for the configured one.
"""
