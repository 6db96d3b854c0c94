<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB">
<context>
    <name>AcknowledgeQuestion</name>
    <message>
        <source>I confirm this</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AreaListModel</name>
    <message>
        <source>fireworks-free zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>many coffeeshops</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CalculatedQuestion</name>
    <message>
        <source>Not calculated yet</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CameraDialog</name>
    <message>
        <source>Take photo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Point the camera and press the shutter button.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The camera cannot be used right now.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Confirm</name>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DateTimeQuestion</name>
    <message>
        <source>Now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fill in the current time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not filled in</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Something went wrong in fieldapp. What you entered is kept. The details were written to {log}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Something went wrong in fieldapp. What you entered is kept.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FormRunner</name>
    <message>
        <source>Summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Add at least %n row(s).</source>
        <translation>
            <numerusform>Add at least %n row.</numerusform>
            <numerusform>Add at least %n rows.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2 questions answered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Page %1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To summary →</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next →</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>← Back to the form</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>← Previous</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finalize this inspection?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It will be locked: nobody can change it any more. It goes to the outbox and is sent at the next sync.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finalize and lock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Everything you entered is saved; you can continue later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sections of the form</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Instructions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the instructions</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>GeopointQuestion</name>
    <message>
        <source>latitude, longitude</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use my position</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use the venue&apos;s location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pick a place…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a venue or street address from the registry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No location yet. Type it, or use the buttons.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Location: %1, %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(accuracy %1 m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type the location as latitude, longitude, e.g. 52.0799, 4.3113.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the venue first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This device cannot tell its position.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finding your position…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No position found. Pick a place, or type the location.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No position found. Use the venue&apos;s location, pick a place, or type the location.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Home</name>
    <message>
        <source>Good night</source>
        <extracomment>The form a mystery guest works with; everything else is hidden from them.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Good morning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Good afternoon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Good evening</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The review needs a connection to the central store.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HomeScreen</name>
    <message>
        <source>Finalized: %1. It is sent when there is a connection; then it is under Sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finalized. It is sent when there is a connection; then it is under Sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OK</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Door tests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New inspection…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New visit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send the outbox to the central store and fetch what changed (returned inspections, assignments). The app also does this by itself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discreet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dark, minimal screen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hide (F12)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hide everything</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No drafts. Start with an assignment or with “New inspection”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing waiting to be sent. Finalized inspections wait here until the next sync.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing sent yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing returned. Well done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No assignments for you at the moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drafts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outbox</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Returned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assignments</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ImageQuestion</name>
    <message>
        <source>Add photo from file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take photo…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Adding photo…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose photos</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Photos</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That file is not a photo this app can keep.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>InspectionScreen</name>
    <message>
        <source>Not finalized: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>see the comments below</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Returned by %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Correction: only the questions your supervisor commented on can be changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finalized: waiting to be sent. It can no longer be changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent. This is the version that was sent; it cannot be changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approved by your supervisor.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Correct it…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Lists</name>
    <message>
        <source>today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>yesterday</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checklist</source>
        <extracomment>A checklist as the supervisor&apos;s overview lists it: form id, title, version, how many questions and possible findings, and who fills it in.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Venue or area</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Findings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last change</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n finding(s)</source>
        <translation>
            <numerusform>%n finding</numerusform>
            <numerusform>%n findings</numerusform>
        </translation>
    </message>
    <message>
        <source>Correction in progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draft: continue where you left off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting to be sent at the next sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not accepted by the central store: %1. Ask your supervisor what to do.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending failed (%1 attempts): %2. It is tried again automatically.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Returned for correction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no comment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Returned by %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Due</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Instructions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assigned to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>test group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>control group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finalized, waiting to be sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <extracomment>A team member as the supervisor&apos;s overview lists them: name, role, team.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Questions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Possible findings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filled in by</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <source>Locked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The app is locked. %1, type your password to continue where you were.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Try-out: nothing you enter here is saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NewInspectionDialog</name>
    <message numerus="yes">
        <source>Carry over from the last visit (%1): %n answer(s) to check</source>
        <translation>
            <numerusform>Carry over from the last visit (%1): %n answer to check</numerusform>
            <numerusform>Carry over from the last visit (%1): %n answers to check</numerusform>
        </translation>
    </message>
    <message>
        <source>New inspection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>← Other checklist</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step 1 of 2: which checklist?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step 2 of 2: which venue? Recently used venues come first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step 2 of 2: which area do you patrol?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search by name, street or postcode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search areas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Venues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Areas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing matches. Check the spelling.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Door tests are best started from their assignment: the paired test and your group are then filled in for you.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NumberQuestion</name>
    <message>
        <source>One less</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter a whole number.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter a number.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OutcomeStrip</name>
    <message numerus="yes">
        <source>+%n more</source>
        <extracomment>A mark per severity, so colour is never the only sign (and every mark is in DejaVu Sans regular and bold, the fonts a bare Linux tablet has).</extracomment>
        <translation>
            <numerusform>+%n more</numerusform>
            <numerusform>+%n more</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n more finding(s): show all</source>
        <translation>
            <numerusform>%n more finding: show all</numerusform>
            <numerusform>%n more findings: show all</numerusform>
        </translation>
    </message>
    <message>
        <source>Findings:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none so far</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Findings</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PdfPreview</name>
    <message>
        <source>Open in PDF viewer</source>
        <extracomment>Page width in pixels on screen (A4 at about 120 dpi): readable without zooming.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rendering the report…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This computer cannot show PDF pages here; open the report in a viewer.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PhotoViewer</name>
    <message>
        <source>Loading…</source>
        <extracomment>Magic numbers of the image formats a camera or phone produces.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This photo cannot be shown.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QuestionWidget</name>
    <message>
        <source>Supervisor: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RatingQuestion</name>
    <message>
        <source>%1 of %2 stars</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not rated</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RepeatSection</name>
    <message>
        <source>Add: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing added yet.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Review</name>
    <message>
        <source>To review</source>
        <extracomment>Fetches one page of the inbox with every filter applied, the server&apos;s and `matching`&apos;s: (filter, after, limit, on_page, on_failure); calls back on the UI thread.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Returned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finalized</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draft</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last activity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checklist</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Venue or area</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Officer or tester</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signals:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No signals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>version %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReviewDetail</name>
    <message>
        <source>version %1 of %2</source>
        <extracomment>Item data: the question a tree line belongs to.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signals</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n rows</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>see Photos</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No location recorded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Timing gap: %1 minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Timing gap: unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not received yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>corrects version %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>submitted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>corrected and resubmitted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>returned for correction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>approved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>commented</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — %2 %3 version %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Photos (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Photos</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Photos and location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Door test pair</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Venue history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Versions and review trail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>After</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Before</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed in the correction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Control group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No earlier inspections of this venue.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No signals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paired door test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Question</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Received</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Review trail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Versions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Comment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Comment for the officer (double-click to write; a return sends these)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose an inspection in the list to review it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReviewPanel</name>
    <message>
        <source>More filters</source>
        <extracomment>Makes the supervisor&apos;s desk (may start the demo&apos;s central store: run it off the UI). Asks &quot;sure?&quot; before an action with a button named after it, and runs the action only on that button; tests replace it.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All checklists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every venue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every area</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every officer or tester</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 12 months</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any signal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No inspections match these filters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approve this inspection? It can no longer be changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write a comment next to each question the officer should correct (double-click the comment column), then return it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Return this inspection with %n comment(s)?</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search venue, officer, signal…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note with the review (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approve</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Return for correction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter on venue, area, officer or tester, and signal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approve the version you are reading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send it back; only the questions you commented on reopen</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>Enforcement officer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mystery guest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enforcement officers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mystery guests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Supervisors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Administration</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RowCard</name>
    <message>
        <source>Remove this row?</source>
        <extracomment>The top-level group or repeat this page shows; None for loose top-level questions.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move row %1 up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move row %1 down</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove row %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SectionListModel</name>
    <message numerus="yes">
        <source>%n comment(s)</source>
        <extracomment>The page&apos;s key (its group name), or &quot;&quot; for the summary row. True when the page&apos;s group is relevant. The page&apos;s `Progress` (None for the summary row). How many of the supervisor&apos;s comments (in a correction) are on this page.</extracomment>
        <translation>
            <numerusform>%n comment</numerusform>
            <numerusform>%n comments</numerusform>
        </translation>
    </message>
    <message>
        <source>does not apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n answer(s) not allowed</source>
        <translation>
            <numerusform>%n answer not allowed</numerusform>
            <numerusform>%n answers not allowed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n required question(s) open</source>
        <translation>
            <numerusform>%n required question open</numerusform>
            <numerusform>%n required questions open</numerusform>
        </translation>
    </message>
    <message>
        <source>nothing to fill in yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>complete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 answered</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SelectOneQuestion</name>
    <message>
        <source>Clear answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Colours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>High contrast (daylight)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lock the app after</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When the app locks, what is on screen stays as it is; your password brings it back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Severity</name>
    <message>
        <source>information</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>attention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>violation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>serious</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>immediate closure</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SignInScreen</name>
    <message>
        <source>Fill in your user name and password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enforcement and inspections · The Hague</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coffeeshop inspections, neighbourhood patrols and nightlife door tests. Works without a network: everything you enter is saved on this device, encrypted, and sent when there is a connection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo — fictional data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo accounts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose an account, then type the password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password of every demo account: demo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the demo accounts…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SignatureDialog</name>
    <message>
        <source>Sign in the white area with a finger, a pen or the mouse.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signature pad</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use this signature</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SignatureQuestion</name>
    <message>
        <source>Sign again…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove signature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saving signature…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not signed yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signature present</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SummaryView</name>
    <message>
        <source>No question matches.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find a question…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find a question by words from it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Everything required is answered. You can finalize.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n item(s) must be resolved before finalizing.</source>
        <translation>
            <numerusform>%n item must be resolved before finalizing.</numerusform>
            <numerusform>%n items must be resolved before finalizing.</numerusform>
        </translation>
    </message>
    <message>
        <source>Still to answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not allowed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Findings (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The answers give no findings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finalize and lock…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>After finalizing, this inspection can no longer be changed. It waits in the outbox and is sent at the next sync.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign now…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SupervisorHome</name>
    <message>
        <source>Demo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The work of your teams: assignments with who does them and when, the people in your teams, and the checklists they fill in. Try a checklist to see exactly what officers see; nothing you enter there is saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Team assignments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Team members</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checklists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try this checklist…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your teams have no assignments.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No team members on this device.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No checklists on this device yet.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <source>No connection to the central store; your work stays safe on this device.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sync did not work; the details are in the log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not synced yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 to send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Everything sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 held</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not synced yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>last synced %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VenuePicker</name>
    <message>
        <source>Choose a venue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search by name, street or postcode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search venues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Venues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No venue matches. Check the spelling or search by street.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VenueQuestion</name>
    <message>
        <source>Choose another venue…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose venue…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No venue chosen yet</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Venues</name>
    <message>
        <source>coffeeshop</source>
        <extracomment>The venue id of a row, for views and tests.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>club</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recently used</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>_Thumbnail</name>
    <message>
        <source>Delete?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete photo %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Photo %1: show it large</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot show</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ImportPage</name>
    <message numerus="yes">
        <source>The file has %n problem(s); nothing was changed.</source>
        <translation>
            <numerusform>The file has %n problem; nothing was changed.</numerusform>
            <numerusform>The file has %n problems; nothing was changed.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FollowUpPanel</name>
    <message numerus="yes">
        <source>%n follow-up action(s) are past their due date.</source>
        <translation>
            <numerusform>%n follow-up action is past its due date.</numerusform>
            <numerusform>%n follow-up actions are past their due date.</numerusform>
        </translation>
    </message>
</context>
</TS>
