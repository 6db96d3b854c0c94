<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="nl_NL">
<context>
    <name>AcknowledgeQuestion</name>
    <message>
        <source>I confirm this</source>
        <translation>Ik bevestig dit</translation>
    </message>
</context>
<context>
    <name>AdminPanel</name>
    <message>
        <source>Administration</source>
        <extracomment>Asks &quot;sure?&quot; before closing a venue; tests replace it.</extracomment>
        <translation>Beheer</translation>
    </message>
    <message>
        <source>Venues</source>
        <translation>Locaties</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Importeren</translation>
    </message>
    <message>
        <source>Areas</source>
        <translation>Wijken</translation>
    </message>
    <message>
        <source>Teams and people</source>
        <translation>Teams en mensen</translation>
    </message>
    <message>
        <source>Forms</source>
        <translation>Formulieren</translation>
    </message>
</context>
<context>
    <name>AnnotationDialog</name>
    <message>
        <source>Arrow</source>
        <translation>Pijl</translation>
    </message>
    <message>
        <source>Drag from where the arrow starts to what it points at</source>
        <translation>Sleep van het begin van de pijl naar waar hij naar wijst</translation>
    </message>
    <message>
        <source>Circle</source>
        <translation>Cirkel</translation>
    </message>
    <message>
        <source>Drag across what the circle goes around</source>
        <translation>Sleep over wat de cirkel moet omringen</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Tekst</translation>
    </message>
    <message>
        <source>Type the text, then tap where it goes</source>
        <translation>Typ de tekst en tik dan waar hij moet staan</translation>
    </message>
    <message>
        <source>Text for a label</source>
        <translation>Tekst voor een label</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Ongedaan maken</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <source>Save marked photo</source>
        <translation>Gemarkeerde foto opslaan</translation>
    </message>
    <message>
        <source>Photo to mark: drag to draw, or press Enter to draw in the middle</source>
        <translation>Foto om te markeren: sleep om te tekenen, of druk op Enter om in het midden te tekenen</translation>
    </message>
    <message>
        <source>The photo as taken is kept; the marked copy is shown in the report.</source>
        <translation>De foto zoals genomen blijft bewaard; het rapport toont de gemarkeerde kopie.</translation>
    </message>
    <message>
        <source>Type the label&apos;s text first, then tap where it goes.</source>
        <translation>Typ eerst de tekst van het label en tik dan waar het moet staan.</translation>
    </message>
</context>
<context>
    <name>AreaListModel</name>
    <message>
        <source>fireworks-free zone</source>
        <translation>vuurwerkvrije zone</translation>
    </message>
    <message>
        <source>many coffeeshops</source>
        <translation>veel coffeeshops</translation>
    </message>
</context>
<context>
    <name>AreasPage</name>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nee</translation>
    </message>
    <message>
        <source>Areas come from a CSV, Excel or GeoJSON file (with boundaries); import a changed file to update them.</source>
        <translation>Wijken komen uit een CSV-, Excel- of GeoJSON-bestand (met grenzen); importeer een gewijzigd bestand om ze bij te werken.</translation>
    </message>
    <message>
        <source>Import areas…</source>
        <translation>Wijken importeren…</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Naam</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>Id</translation>
    </message>
    <message>
        <source>District</source>
        <translation>Stadsdeel</translation>
    </message>
    <message>
        <source>Fireworks-free zone</source>
        <translation>Vuurwerkvrije zone</translation>
    </message>
    <message>
        <source>Coffeeshop relocation area</source>
        <translation>Verplaatsingsgebied coffeeshops</translation>
    </message>
    <message>
        <source>Boundary</source>
        <translation>Grens</translation>
    </message>
</context>
<context>
    <name>AssignmentDialog</name>
    <message>
        <source>New assignment</source>
        <translation>Nieuwe opdracht</translation>
    </message>
    <message>
        <source>Change or reassign</source>
        <translation>Wijzigen of anders toewijzen</translation>
    </message>
    <message>
        <source>Several days, until</source>
        <translation>Meerdere dagen, tot en met</translation>
    </message>
    <message>
        <source>normal</source>
        <translation>normaal</translation>
    </message>
    <message>
        <source>high</source>
        <translation>hoog</translation>
    </message>
    <message>
        <source>low</source>
        <translation>laag</translation>
    </message>
    <message>
        <source>Checklist</source>
        <translation>Checklist</translation>
    </message>
    <message>
        <source>Venue</source>
        <translation>Locatie</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>Wijk</translation>
    </message>
    <message>
        <source>Assigned to</source>
        <translation>Toegewezen aan</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>Uiterlijk</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Prioriteit</translation>
    </message>
    <message>
        <source>Instructions (Dutch)</source>
        <translation>Aanwijzingen (Nederlands)</translation>
    </message>
    <message>
        <source>Instructions (English)</source>
        <translation>Aanwijzingen (Engels)</translation>
    </message>
    <message>
        <source>Now assigned to: {who}</source>
        <translation>Nu toegewezen aan: {who}</translation>
    </message>
    <message>
        <source>Now due: {due}</source>
        <translation>Nu uiterlijk: {due}</translation>
    </message>
    <message>
        <source>Now: {state}, version {version}</source>
        <translation>Nu: {state}, versie {version}</translation>
    </message>
    <message>
        <source>Current instructions: {text}</source>
        <translation>Huidige aanwijzingen: {text}</translation>
    </message>
</context>
<context>
    <name>CalculatedQuestion</name>
    <message>
        <source>Not calculated yet</source>
        <translation>Nog niet berekend</translation>
    </message>
</context>
<context>
    <name>CameraDialog</name>
    <message>
        <source>Take photo</source>
        <translation>Foto maken</translation>
    </message>
    <message>
        <source>Point the camera and press the shutter button.</source>
        <translation>Richt de camera en druk op de ontspanknop.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <source>The camera cannot be used right now.</source>
        <translation>De camera kan nu niet worden gebruikt.</translation>
    </message>
</context>
<context>
    <name>Central</name>
    <message>
        <source>Planning and administration need a connection to the central store.</source>
        <translation>Planning en beheer hebben een verbinding met de centrale opslag nodig.</translation>
    </message>
    <message>
        <source>Planning</source>
        <translation>Planning</translation>
    </message>
    <message>
        <source>Administration</source>
        <translation>Beheer</translation>
    </message>
    <message>
        <source>Coffeeshop inspection</source>
        <translation>Coffeeshopcontrole</translation>
    </message>
    <message>
        <source>Neighbourhood patrol</source>
        <translation>Wijkronde</translation>
    </message>
    <message>
        <source>Nightlife door test</source>
        <translation>Deurtest uitgaansleven</translation>
    </message>
    <message>
        <source>planned</source>
        <translation>gepland</translation>
    </message>
    <message>
        <source>started</source>
        <translation>begonnen</translation>
    </message>
    <message>
        <source>done</source>
        <translation>klaar</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>te laat</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>geannuleerd</translation>
    </message>
    <message>
        <source>coffeeshop</source>
        <translation>coffeeshop</translation>
    </message>
    <message>
        <source>club</source>
        <translation>club</translation>
    </message>
    <message>
        <source>bar</source>
        <translation>café</translation>
    </message>
    <message>
        <source>enforcement officer</source>
        <translation>boa</translation>
    </message>
    <message>
        <source>mystery guest</source>
        <translation>mystery guest</translation>
    </message>
    <message>
        <source>supervisor</source>
        <translation>leidinggevende</translation>
    </message>
    <message>
        <source>administrator</source>
        <translation>beheerder</translation>
    </message>
    <message>
        <source>Whole team: {team}</source>
        <translation>Heel team: {team}</translation>
    </message>
</context>
<context>
    <name>Confirm</name>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
</context>
<context>
    <name>DateTimeQuestion</name>
    <message>
        <source>Choose…</source>
        <translation>Kiezen…</translation>
    </message>
    <message>
        <source>Choose the date on a calendar</source>
        <translation>Datum kiezen in een kalender</translation>
    </message>
    <message>
        <source>Choose the time with large buttons</source>
        <translation>Tijd kiezen met grote knoppen</translation>
    </message>
    <message>
        <source>Choose the date and time with large buttons</source>
        <translation>Datum en tijd kiezen met grote knoppen</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>Nu</translation>
    </message>
    <message>
        <source>Fill in the current time</source>
        <translation>Huidige tijd invullen</translation>
    </message>
    <message>
        <source>Clear answer</source>
        <translation>Antwoord wissen</translation>
    </message>
    <message>
        <source>Not filled in</source>
        <translation>Niet ingevuld</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Something went wrong in fieldapp. What you entered is kept. The details were written to {log}.</source>
        <translation>Er ging iets mis in fieldapp. Wat u hebt ingevuld, blijft bewaard. De details staan in {log}.</translation>
    </message>
    <message>
        <source>Something went wrong in fieldapp. What you entered is kept.</source>
        <translation>Er ging iets mis in fieldapp. Wat u hebt ingevuld, blijft bewaard.</translation>
    </message>
</context>
<context>
    <name>FirstSignInDialog</name>
    <message>
        <source>Setting up this device</source>
        <translation>Dit apparaat instellen</translation>
    </message>
    <message>
        <source>The first sign-in fetches your work from the central store. After this the device works without a network.</source>
        <translation>De eerste aanmelding haalt uw werk op bij de centrale opslag. Daarna werkt het apparaat zonder netwerk.</translation>
    </message>
    <message>
        <source>Signing in at the central store…</source>
        <translation>Aanmelden bij de centrale opslag…</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Voortgang</translation>
    </message>
    <message>
        <source>Receiving your work: %1 items</source>
        <translation>Uw werk ophalen: %1 onderdelen</translation>
    </message>
    <message>
        <source>Signed in. Receiving your work…</source>
        <translation>Aangemeld. Uw werk wordt opgehaald…</translation>
    </message>
    <message>
        <source>Saving on this device…</source>
        <translation>Opslaan op dit apparaat…</translation>
    </message>
    <message>
        <source>Ready.</source>
        <translation>Klaar.</translation>
    </message>
</context>
<context>
    <name>FormRunner</name>
    <message>
        <source>Carried over from the visit of %1: %2. Check these answers on site.</source>
        <translation>Overgenomen van de controle van %1: %2. Controleer deze antwoorden ter plaatse.</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Overzicht</translation>
    </message>
    <message numerus="yes">
        <source>Add at least %n row(s).</source>
        <translation>
            <numerusform>Voeg minstens %n rij toe.</numerusform>
            <numerusform>Voeg minstens %n rijen toe.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2 questions answered</source>
        <translation>%1 van %2 vragen beantwoord</translation>
    </message>
    <message>
        <source>Page %1 of %2</source>
        <translation>Pagina %1 van %2</translation>
    </message>
    <message>
        <source>To summary →</source>
        <translation>Naar overzicht →</translation>
    </message>
    <message>
        <source>Next →</source>
        <translation>Volgende →</translation>
    </message>
    <message>
        <source>← Back to the form</source>
        <translation>← Terug naar het formulier</translation>
    </message>
    <message>
        <source>← Previous</source>
        <translation>← Vorige</translation>
    </message>
    <message>
        <source>Finalize this inspection?</source>
        <translation>Dit verslag afronden?</translation>
    </message>
    <message>
        <source>It will be locked: nobody can change it any more. It goes to the outbox and is sent at the next sync.</source>
        <translation>Ze wordt vergrendeld: niemand kan haar nog wijzigen. Ze gaat naar de verzendlijst en wordt bij de volgende synchronisatie verzonden.</translation>
    </message>
    <message>
        <source>Finalize and lock</source>
        <translation>Afronden en vergrendelen</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Niet opgeslagen: %1</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Opslaan…</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>Opgeslagen</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notities</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
    <message>
        <source>Everything you entered is saved; you can continue later.</source>
        <translation>Alles wat u hebt ingevuld is opgeslagen; u kunt later verdergaan.</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Opnieuw proberen</translation>
    </message>
    <message>
        <source>Sections of the form</source>
        <translation>Onderdelen van het formulier</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>Vorige pagina</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>Volgende pagina</translation>
    </message>
    <message>
        <source>Instructions</source>
        <translation>Instructies</translation>
    </message>
    <message>
        <source>Show the instructions</source>
        <translation>Toon de instructies</translation>
    </message>
    <message>
        <source>History of this venue</source>
        <translation>Geschiedenis van deze locatie</translation>
    </message>
    <message>
        <source>No earlier visits by boa's are on file.</source>
        <translation>Er staan geen eerdere bezoeken van boa's in het dossier.</translation>
    </message>
    <message>
        <source>Show the venue's history</source>
        <translation>Geschiedenis van de locatie tonen</translation>
    </message>
    <message>
        <source>Supervisor: %1</source>
        <translation>Leidinggevende: %1</translation>
    </message>
    <message>
        <source>Your supervisor reopened this section.</source>
        <translation>Je leidinggevende heeft dit onderdeel heropend.</translation>
    </message>
    <message>
        <source>Your supervisor reopened this part.</source>
        <translation>Je leidinggevende heeft dit deel heropend.</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>goedgekeurd</translation>
    </message>
    <message>
        <source>no findings</source>
        <translation>geen bevindingen</translation>
    </message>
    <message>
        <source>not yet approved</source>
        <translation>nog niet goedgekeurd</translation>
    </message>
    <message>
        <source>{day}: {form} ({state}) — {findings}</source>
        <translation>{day}: {form} ({state}) — {findings}</translation>
    </message>
</context>
<context>
    <name>FormsPage</name>
    <message>
        <source>live</source>
        <translation>in gebruik</translation>
    </message>
    <message>
        <source>retired</source>
        <translation>ingetrokken</translation>
    </message>
    <message>
        <source>older version</source>
        <translation>oudere versie</translation>
    </message>
    <message>
        <source>Choose the form file</source>
        <translation>Kies het formulierbestand</translation>
    </message>
    <message>
        <source>Form files (*.yaml *.yml)</source>
        <translation>Formulierbestanden (*.yaml *.yml)</translation>
    </message>
    <message>
        <source>Published {form} version {version}; devices get it at their next sync.</source>
        <translation>{form} versie {version} is gepubliceerd; apparaten krijgen hem bij de volgende synchronisatie.</translation>
    </message>
    <message>
        <source>Retired {form} version {version}: no new drafts on it; drafts begun on it are finished on it.</source>
        <translation>{form} versie {version} is ingetrokken: geen nieuwe concepten meer; begonnen concepten worden erop afgemaakt.</translation>
    </message>
    <message>
        <source>Publish a form file…</source>
        <translation>Formulierbestand publiceren…</translation>
    </message>
    <message>
        <source>Retire version</source>
        <translation>Versie intrekken</translation>
    </message>
    <message>
        <source>Try out (nothing is saved)</source>
        <translation>Uitproberen (er wordt niets bewaard)</translation>
    </message>
    <message>
        <source>Form</source>
        <translation>Formulier</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Versie</translation>
    </message>
    <message>
        <source>Filled in by</source>
        <translation>Ingevuld door</translation>
    </message>
    <message>
        <source>Published</source>
        <translation>Gepubliceerd</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Stand</translation>
    </message>
</context>
<context>
    <name>GeopointQuestion</name>
    <message>
        <source>latitude, longitude</source>
        <translation>breedtegraad, lengtegraad</translation>
    </message>
    <message>
        <source>Use my position</source>
        <translation>Mijn positie gebruiken</translation>
    </message>
    <message>
        <source>Use the venue&apos;s location</source>
        <translation>Positie van de locatie gebruiken</translation>
    </message>
    <message>
        <source>Pick on the map…</source>
        <translation>Kies op de kaart…</translation>
    </message>
    <message>
        <source>Pick the point on the offline map of the municipality</source>
        <translation>Kies het punt op de offline kaart van de gemeente</translation>
    </message>
    <message>
        <source>Pick a place…</source>
        <translation>Kies een plek…</translation>
    </message>
    <message>
        <source>Choose a venue or street address from the registry</source>
        <translation>Kies een locatie of straatadres uit het register</translation>
    </message>
    <message>
        <source>No location yet. Type it, or use the buttons.</source>
        <translation>Nog geen positie. Typ haar in of gebruik de knoppen.</translation>
    </message>
    <message>
        <source>Location: %1, %2</source>
        <translation>Positie: %1, %2</translation>
    </message>
    <message>
        <source>(accuracy %1 m)</source>
        <translation>(nauwkeurigheid %1 m)</translation>
    </message>
    <message>
        <source>Type the location as latitude, longitude, e.g. 52.0799, 4.3113.</source>
        <translation>Typ de positie als breedtegraad, lengtegraad, bijvoorbeeld 52,0799, 4,3113.</translation>
    </message>
    <message>
        <source>Choose the venue first.</source>
        <translation>Kies eerst de locatie.</translation>
    </message>
    <message>
        <source>This device cannot tell its position.</source>
        <translation>Dit apparaat kan zijn positie niet bepalen.</translation>
    </message>
    <message>
        <source>Finding your position…</source>
        <translation>Positie bepalen…</translation>
    </message>
    <message>
        <source>No position found. Pick a place, or type the location.</source>
        <translation>Geen positie gevonden. Kies een plek, of typ de positie.</translation>
    </message>
    <message>
        <source>No position found. Use the venue&apos;s location, pick a place, or type the location.</source>
        <translation>Geen positie gevonden. Gebruik de positie van de locatie, kies een plek, of typ de positie.</translation>
    </message>
</context>
<context>
    <name>HerePosition</name>
    <message>
        <source>Nearest first, from your position.</source>
        <translation>Dichtstbijzijnde eerst, vanaf uw positie.</translation>
    </message>
    <message>
        <source>Finding your position…</source>
        <translation>Positie bepalen…</translation>
    </message>
    <message>
        <source>Position unknown: the list is not sorted by distance.</source>
        <translation>Positie onbekend: de lijst is niet op afstand gesorteerd.</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <source>History of {name}</source>
        <translation>Geschiedenis van {name}</translation>
    </message>
    <message>
        <source>Version {version}, {when}, by {actor}</source>
        <translation>Versie {version}, {when}, door {actor}</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
    <message>
        <source>added to the register</source>
        <translation>toegevoegd aan het register</translation>
    </message>
</context>
<context>
    <name>Home</name>
    <message>
        <source>Good night</source>
        <extracomment>The form a mystery guest works with; everything else is hidden from them.</extracomment>
        <translation>Goedenavond</translation>
    </message>
    <message>
        <source>Good morning</source>
        <translation>Goedemorgen</translation>
    </message>
    <message>
        <source>Good afternoon</source>
        <translation>Goedemiddag</translation>
    </message>
    <message>
        <source>Good evening</source>
        <translation>Goedenavond</translation>
    </message>
    <message>
        <source>The review needs a connection to the central store.</source>
        <translation>Beoordelen kan alleen met een verbinding met de centrale opslag.</translation>
    </message>
</context>
<context>
    <name>HomeScreen</name>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <source>Cancel the sync</source>
        <translation>Synchronisatie annuleren</translation>
    </message>
    <message>
        <source>Stop this sync. Nothing is lost: what was not sent goes with the next sync.</source>
        <translation>Deze synchronisatie stoppen. Er gaat niets verloren: wat nog niet verzonden is, gaat mee met de volgende synchronisatie.</translation>
    </message>
    <message>
        <source>Finalized: %1. It is sent when there is a connection; then it is under Sent.</source>
        <translation>Afgerond: %1. Het wordt verzonden zodra er verbinding is; daarna staat het onder Verzonden.</translation>
    </message>
    <message>
        <source>Finalized. It is sent when there is a connection; then it is under Sent.</source>
        <translation>Afgerond. Het wordt verzonden zodra er verbinding is; daarna staat het onder Verzonden.</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Door tests</source>
        <translation>Deurtests</translation>
    </message>
    <message>
        <source>Demo</source>
        <translation>Demo</translation>
    </message>
    <message>
        <source>Demo store: this app syncs with a practice central store on this computer, not with the municipality&apos;s. Do not enter real inspections.</source>
        <translation>Demo-opslag: deze app synchroniseert met een oefenopslag op deze computer, niet met die van de gemeente. Voer geen echte controles in.</translation>
    </message>
    <message>
        <source>New inspection…</source>
        <translation>Nieuw verslag…</translation>
    </message>
    <message>
        <source>New visit…</source>
        <translation>Nieuw bezoek…</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Nu synchroniseren</translation>
    </message>
    <message>
        <source>Send the outbox to the central store and fetch what changed (returned inspections, assignments). The app also does this by itself.</source>
        <translation>Verstuurt wat klaarstaat in ‘Te verzenden’ naar de centrale opslag en haalt op wat er veranderd is (teruggestuurde verslagen, opdrachten). De app doet dit ook vanzelf.</translation>
    </message>
    <message>
        <source>Discreet</source>
        <translation>Discreet</translation>
    </message>
    <message>
        <source>Dark, minimal screen</source>
        <translation>Donker, minimaal scherm</translation>
    </message>
    <message>
        <source>Hide (F12)</source>
        <translation>Verbergen (F12)</translation>
    </message>
    <message>
        <source>Hide everything</source>
        <translation>Alles verbergen</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Instellingen</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>Vergrendelen</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Afmelden</translation>
    </message>
    <message>
        <source>No drafts. Start with an assignment or with “New inspection”.</source>
        <translation>Geen concepten. Begin met een opdracht of met ‘Nieuw verslag’.</translation>
    </message>
    <message>
        <source>Nothing waiting to be sent. Finalized inspections wait here until the next sync.</source>
        <translation>Niets om te verzenden. Afgeronde verslagen wachten hier tot de volgende synchronisatie.</translation>
    </message>
    <message>
        <source>Nothing sent yet.</source>
        <translation>Nog niets verzonden.</translation>
    </message>
    <message>
        <source>Nothing returned. Well done.</source>
        <translation>Niets teruggestuurd. Goed gedaan.</translation>
    </message>
    <message>
        <source>No assignments for you at the moment.</source>
        <translation>Op dit moment geen opdrachten voor u.</translation>
    </message>
    <message>
        <source>Drafts</source>
        <translation>Concepten</translation>
    </message>
    <message>
        <source>Outbox</source>
        <translation>Te verzenden</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Verzonden</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>Teruggestuurd</translation>
    </message>
    <message>
        <source>Assignments</source>
        <translation>Opdrachten</translation>
    </message>
</context>
<context>
    <name>ImageQuestion</name>
    <message>
        <source>Add photo from file…</source>
        <translation>Foto uit bestand toevoegen…</translation>
    </message>
    <message>
        <source>Take photo…</source>
        <translation>Foto maken…</translation>
    </message>
    <message>
        <source>Adding photo…</source>
        <translation>Foto toevoegen…</translation>
    </message>
    <message>
        <source>Choose photos</source>
        <translation>Foto&apos;s kiezen</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>Foto&apos;s</translation>
    </message>
    <message>
        <source>That file is not a photo this app can keep.</source>
        <translation>Dat bestand is geen foto die deze app kan bewaren.</translation>
    </message>
    <message>
        <source>Saving marked photo…</source>
        <translation>Gemarkeerde foto opslaan…</translation>
    </message>
    <message>
        <source>Marks drawn; the photo as taken is kept</source>
        <translation>Markeringen getekend; de foto zoals genomen blijft bewaard</translation>
    </message>
</context>
<context>
    <name>ImportPage</name>
    <message>
        <source>Choose the file to import</source>
        <translation>Kies het bestand om te importeren</translation>
    </message>
    <message>
        <source>Register files (*.csv *.xlsx *.geojson *.json)</source>
        <translation>Registerbestanden (*.csv *.xlsx *.geojson *.json)</translation>
    </message>
    <message numerus="yes">
        <source>The file has %n problem(s); nothing was changed.</source>
        <translation>
            <numerusform>Het bestand heeft %n probleem; er is niets gewijzigd.</numerusform>
            <numerusform>Het bestand heeft %n problemen; er is niets gewijzigd.</numerusform>
        </translation>
    </message>
    <message>
        <source>The file is fine. Check the counts, then import it.</source>
        <translation>Het bestand is in orde. Controleer de aantallen en importeer het dan.</translation>
    </message>
    <message>
        <source>Imported.</source>
        <translation>Geïmporteerd.</translation>
    </message>
    <message>
        <source>{user}: one-time password {password}</source>
        <translation>{user}: eenmalig wachtwoord {password}</translation>
    </message>
    <message>
        <source>{added} added · {changed} changed · {unchanged} unchanged</source>
        <translation>{added} toegevoegd · {changed} gewijzigd · {unchanged} ongewijzigd</translation>
    </message>
    <message>
        <source>{count} deactivated</source>
        <translation>{count} uitgeschakeld</translation>
    </message>
    <message>
        <source>Check: {counts}</source>
        <translation>Proefimport: {counts}</translation>
    </message>
    <message>
        <source>Rows without problems: {counts} (nothing is imported while the file has problems)</source>
        <translation>Rijen zonder problemen: {counts} (er wordt niets geïmporteerd zolang het bestand problemen heeft)</translation>
    </message>
    <message>
        <source>Venues</source>
        <translation>Locaties</translation>
    </message>
    <message>
        <source>Areas</source>
        <translation>Wijken</translation>
    </message>
    <message>
        <source>Teams</source>
        <translation>Teams</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Gebruikers</translation>
    </message>
    <message>
        <source>Register</source>
        <translation>Register</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Bestand</translation>
    </message>
    <message>
        <source>A CSV, Excel (.xlsx) or GeoJSON file</source>
        <translation>Een CSV-, Excel- (.xlsx) of GeoJSON-bestand</translation>
    </message>
    <message>
        <source>Choose file…</source>
        <translation>Bestand kiezen…</translation>
    </message>
    <message>
        <source>The file is the whole register: deactivate what it does not list</source>
        <translation>Het bestand is het hele register: schakel uit wat er niet in staat</translation>
    </message>
    <message>
        <source>Check file</source>
        <translation>Bestand controleren</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Importeren</translation>
    </message>
</context>
<context>
    <name>InspectionScreen</name>
    <message>
        <source>Not finalized: %1</source>
        <translation>Niet afgerond: %1</translation>
    </message>
    <message>
        <source>see the comments below</source>
        <translation>zie de opmerkingen hieronder</translation>
    </message>
    <message>
        <source>Returned by %1: %2</source>
        <translation>Teruggestuurd door %1: %2</translation>
    </message>
    <message>
        <source>Correction: only the questions your supervisor commented on can be changed.</source>
        <translation>Correctie: alleen de vragen waar uw leidinggevende opmerkingen bij plaatste, kunnen worden gewijzigd.</translation>
    </message>
    <message>
        <source>Finalized: waiting to be sent. It can no longer be changed.</source>
        <translation>Afgerond: wacht op verzending. Ze kan niet meer worden gewijzigd.</translation>
    </message>
    <message>
        <source>Sent. This is the version that was sent; it cannot be changed.</source>
        <translation>Verzonden. Dit is de verzonden versie; die kan niet worden gewijzigd.</translation>
    </message>
    <message>
        <source>Approved by your supervisor.</source>
        <translation>Goedgekeurd door uw leidinggevende.</translation>
    </message>
    <message>
        <source>Correct it…</source>
        <translation>Corrigeren…</translation>
    </message>
</context>
<context>
    <name>Lists</name>
    <message>
        <source>today</source>
        <translation>vandaag</translation>
    </message>
    <message>
        <source>yesterday</source>
        <translation>gisteren</translation>
    </message>
    <message>
        <source>Checklist</source>
        <extracomment>A checklist as the supervisor&apos;s overview lists it: form id, title, version, how many questions and possible findings, and who fills it in.</extracomment>
        <translation>Checklist</translation>
    </message>
    <message>
        <source>Venue or area</source>
        <translation>Locatie of wijk</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>Bevindingen</translation>
    </message>
    <message>
        <source>Last change</source>
        <translation>Laatst gewijzigd</translation>
    </message>
    <message numerus="yes">
        <source>%n finding(s)</source>
        <translation>
            <numerusform>%n bevinding</numerusform>
            <numerusform>%n bevindingen</numerusform>
        </translation>
    </message>
    <message>
        <source>Correction in progress</source>
        <translation>Correctie in bewerking</translation>
    </message>
    <message>
        <source>Draft: continue where you left off</source>
        <translation>Concept: ga verder waar u was gebleven</translation>
    </message>
    <message>
        <source>Waiting to be sent at the next sync</source>
        <translation>Wacht op verzending bij de volgende synchronisatie</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>geen reden opgegeven</translation>
    </message>
    <message>
        <source>Not accepted by the central store: %1. Ask your supervisor what to do.</source>
        <translation>Niet geaccepteerd door de centrale opslag: %1. Vraag uw leidinggevende wat u moet doen.</translation>
    </message>
    <message>
        <source>Sending failed (%1 attempts): %2. It is tried again automatically.</source>
        <translation>Verzenden mislukt (%1 pogingen): %2. Het wordt vanzelf opnieuw geprobeerd.</translation>
    </message>
    <message>
        <source>Sent %1</source>
        <translation>Verzonden %1</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Verzonden</translation>
    </message>
    <message>
        <source>Returned for correction</source>
        <translation>Teruggestuurd voor correctie</translation>
    </message>
    <message>
        <source>no comment</source>
        <translation>geen opmerking</translation>
    </message>
    <message>
        <source>Returned by %1: %2</source>
        <translation>Teruggestuurd door %1: %2</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Goedgekeurd</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>Uiterlijk</translation>
    </message>
    <message>
        <source>Instructions</source>
        <translation>Instructies</translation>
    </message>
    <message>
        <source>Assigned to</source>
        <translation>Toegewezen aan</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Stand</translation>
    </message>
    <message>
        <source>test group</source>
        <translation>testgroep</translation>
    </message>
    <message>
        <source>control group</source>
        <translation>controlegroep</translation>
    </message>
    <message>
        <source>Not started</source>
        <translation>Nog niet begonnen</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Begonnen</translation>
    </message>
    <message>
        <source>Finalized, waiting to be sent</source>
        <translation>Afgerond, wacht op verzending</translation>
    </message>
    <message>
        <source>Name</source>
        <extracomment>A team member as the supervisor&apos;s overview lists them: name, role, team.</extracomment>
        <translation>Naam</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>Team</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Versie</translation>
    </message>
    <message>
        <source>Questions</source>
        <translation>Vragen</translation>
    </message>
    <message>
        <source>Possible findings</source>
        <translation>Mogelijke bevindingen</translation>
    </message>
    <message>
        <source>Filled in by</source>
        <translation>In te vullen door</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <source>Locked</source>
        <translation>Vergrendeld</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Wachtwoord</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Ontgrendelen</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Afmelden</translation>
    </message>
    <message>
        <source>The app is locked. %1, type your password to continue where you were.</source>
        <translation>De app is vergrendeld. %1, typ uw wachtwoord om verder te gaan waar u was.</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Controleren…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Try-out: nothing you enter here is saved</source>
        <translation>Oefenmodus: wat u hier invult, wordt niet bewaard</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notities</translation>
    </message>
    <message>
        <source>Demo</source>
        <translation>Demo</translation>
    </message>
</context>
<context>
    <name>MapPicker</name>
    <message>
        <source>Pick a point on the map</source>
        <translation>Kies een punt op de kaart</translation>
    </message>
    <message>
        <source>Drag to move the map, tap to pick the point. Keys: arrows move, + and − zoom, space picks the middle, Enter uses the point.</source>
        <translation>Sleep om de kaart te verschuiven, tik om het punt te kiezen. Toetsen: pijltjes verschuiven, + en − zoomen, spatie kiest het midden, Enter gebruikt het punt.</translation>
    </message>
    <message>
        <source>My position</source>
        <translation>Mijn positie</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <source>Use this point</source>
        <translation>Gebruik dit punt</translation>
    </message>
    <message>
        <source>Tap the map to pick the point.</source>
        <translation>Tik op de kaart om het punt te kiezen.</translation>
    </message>
    <message>
        <source>Picked point: %1, %2</source>
        <translation>Gekozen punt: %1, %2</translation>
    </message>
</context>
<context>
    <name>MapView</name>
    <message>
        <source>Map</source>
        <translation>Kaart</translation>
    </message>
    <message>
        <source>Drag to move the map and tap to pick a point. Arrow keys move the map, plus and minus zoom, space picks the point in the middle, Enter uses it.</source>
        <translation>Sleep om de kaart te verschuiven en tik om een punt te kiezen. De pijltjestoetsen verschuiven de kaart, plus en min zoomen, spatie kiest het punt in het midden, Enter gebruikt het.</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>Inzoomen</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>Uitzoomen</translation>
    </message>
    <message>
        <source>No map here: this is outside the map file&apos;s area.</source>
        <translation>Hier is geen kaart: dit ligt buiten het kaartbestand.</translation>
    </message>
    <message>
        <source>Back to the map</source>
        <translation>Terug naar de kaart</translation>
    </message>
</context>
<context>
    <name>NewInspectionDialog</name>
    <message numerus="yes">
        <source>Carry over from the last visit (%1): %n answer(s) to check</source>
        <translation>
            <numerusform>Neem over van de vorige controle (%1): %n antwoord om te controleren</numerusform>
            <numerusform>Neem over van de vorige controle (%1): %n antwoorden om te controleren</numerusform>
        </translation>
    </message>
    <message>
        <source>Reading the history…</source>
        <translation>Geschiedenis lezen…</translation>
    </message>
    <message>
        <source>No visits to this venue are known on this device.</source>
        <translation>Op dit apparaat zijn geen controles bij deze locatie bekend.</translation>
    </message>
    <message>
        <source>findings not known yet</source>
        <translation>bevindingen nog niet bekend</translation>
    </message>
    <message>
        <source>no findings</source>
        <translation>geen bevindingen</translation>
    </message>
    <message>
        <source>in progress on this device</source>
        <translation>bezig op dit apparaat</translation>
    </message>
    <message>
        <source>waiting to be sent</source>
        <translation>wacht op verzenden</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>verzonden</translation>
    </message>
    <message>
        <source>returned for correction</source>
        <translation>teruggestuurd ter correctie</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>goedgekeurd</translation>
    </message>
    <message>
        <source>%1 (from the venue&apos;s file)</source>
        <translation>%1 (uit het dossier van de locatie)</translation>
    </message>
    <message>
        <source>The venue&apos;s file has not reached this device (it comes with a sync).</source>
        <translation>Het dossier van de locatie staat nog niet op dit apparaat (het komt mee bij een synchronisatie).</translation>
    </message>
    <message>
        <source>← Back to the venues</source>
        <translation>← Terug naar de locaties</translation>
    </message>
    <message>
        <source>History…</source>
        <translation>Geschiedenis…</translation>
    </message>
    <message>
        <source>The visits to the selected venue, and its file</source>
        <translation>De controles bij de gekozen locatie, en het dossier</translation>
    </message>
    <message>
        <source>New inspection here</source>
        <translation>Nieuwe controle hier</translation>
    </message>
    <message>
        <source>History of the venue: the last visits, newest first.</source>
        <translation>Geschiedenis van de locatie: de laatste controles, nieuwste eerst.</translation>
    </message>
    <message>
        <source>Step 2 of 2: which venue? The nearest venues come first.</source>
        <translation>Stap 2 van 2: welke locatie? De dichtstbijzijnde locaties staan bovenaan.</translation>
    </message>
    <message>
        <source>New inspection</source>
        <translation>Nieuw verslag</translation>
    </message>
    <message>
        <source>← Other checklist</source>
        <translation>← Andere checklist</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Beginnen</translation>
    </message>
    <message>
        <source>Step 1 of 2: which checklist?</source>
        <translation>Stap 1 van 2: welke checklist?</translation>
    </message>
    <message>
        <source>Step 2 of 2: which venue? Recently used venues come first.</source>
        <translation>Stap 2 van 2: welke locatie? Recent gebruikte locaties staan bovenaan.</translation>
    </message>
    <message>
        <source>Step 2 of 2: which area do you patrol?</source>
        <translation>Stap 2 van 2: in welke wijk loopt u?</translation>
    </message>
    <message>
        <source>Search by name, street or postcode</source>
        <translation>Zoek op naam, straat of postcode</translation>
    </message>
    <message>
        <source>Search areas</source>
        <translation>Wijken zoeken</translation>
    </message>
    <message>
        <source>Venues</source>
        <translation>Locaties</translation>
    </message>
    <message>
        <source>Areas</source>
        <translation>Wijken</translation>
    </message>
    <message>
        <source>Nothing matches. Check the spelling.</source>
        <translation>Niets gevonden. Controleer de spelling.</translation>
    </message>
    <message>
        <source>Door tests are best started from their assignment: the paired test and your group are then filled in for you.</source>
        <translation>Begin een deurtest bij voorkeur vanuit de opdracht: de gepaarde test en uw groep worden dan voor u ingevuld.</translation>
    </message>
</context>
<context>
    <name>NumberQuestion</name>
    <message>
        <source>One less</source>
        <translation>Verlagen</translation>
    </message>
    <message>
        <source>One more</source>
        <translation>Verhogen</translation>
    </message>
    <message>
        <source>Enter a whole number.</source>
        <translation>Vul een geheel getal in.</translation>
    </message>
    <message>
        <source>Enter a number.</source>
        <translation>Vul een getal in.</translation>
    </message>
</context>
<context>
    <name>OutcomeStrip</name>
    <message numerus="yes">
        <source>+%n more</source>
        <extracomment>A mark per severity, so colour is never the only sign (and every mark is in DejaVu Sans regular and bold, the fonts a bare Linux tablet has).</extracomment>
        <translation>
            <numerusform>+%n meer</numerusform>
            <numerusform>+%n meer</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n more finding(s): show all</source>
        <translation>
            <numerusform>Nog %n bevinding: toon alle</numerusform>
            <numerusform>Nog %n bevindingen: toon alle</numerusform>
        </translation>
    </message>
    <message>
        <source>Findings:</source>
        <translation>Bevindingen:</translation>
    </message>
    <message>
        <source>none so far</source>
        <translation>nog geen</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>Bevindingen</translation>
    </message>
</context>
<context>
    <name>PdfPreview</name>
    <message>
        <source>Open in PDF viewer</source>
        <extracomment>Page width in pixels on screen (A4 at about 120 dpi): readable without zooming.</extracomment>
        <translation>Openen in pdf-lezer</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
    <message>
        <source>Rendering the report…</source>
        <translation>Het rapport wordt opgemaakt…</translation>
    </message>
    <message>
        <source>This computer cannot show PDF pages here; open the report in a viewer.</source>
        <translation>Deze computer kan pdf-pagina’s hier niet tonen; open het rapport in een pdf-lezer.</translation>
    </message>
</context>
<context>
    <name>PeoplePage</name>
    <message>
        <source>active</source>
        <translation>actief</translation>
    </message>
    <message>
        <source>deactivated</source>
        <translation>uitgeschakeld</translation>
    </message>
    <message>
        <source>Activate</source>
        <translation>Inschakelen</translation>
    </message>
    <message>
        <source>Deactivate</source>
        <translation>Uitschakelen</translation>
    </message>
    <message>
        <source>One-time password for {user}: {password} (shown once; hand it over in person)</source>
        <translation>Eenmalig wachtwoord voor {user}: {password} (wordt één keer getoond; geef het persoonlijk door)</translation>
    </message>
    <message>
        <source>Teams</source>
        <translation>Teams</translation>
    </message>
    <message>
        <source>People</source>
        <translation>Mensen</translation>
    </message>
    <message>
        <source>New team</source>
        <translation>Nieuw team</translation>
    </message>
    <message>
        <source>Rename or change team</source>
        <translation>Team hernoemen of wijzigen</translation>
    </message>
    <message>
        <source>New person</source>
        <translation>Nieuwe persoon</translation>
    </message>
    <message>
        <source>Change (name, role, team)</source>
        <translation>Wijzigen (naam, rol, team)</translation>
    </message>
    <message>
        <source>Reset password</source>
        <translation>Wachtwoord opnieuw instellen</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>Team</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>Id</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>Leidinggevende</translation>
    </message>
    <message>
        <source>Areas</source>
        <translation>Wijken</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Naam</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>Gebruikersnaam</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>Pseudonym</source>
        <translation>Pseudoniem</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Stand</translation>
    </message>
</context>
<context>
    <name>PlanningPanel</name>
    <message>
        <source>Venues</source>
        <translation>Locaties</translation>
    </message>
    <message>
        <source>Cancel this door-test round? Both testers&apos; visits are withdrawn.</source>
        <translation>Deze deurtestronde annuleren? De bezoeken van beide testers worden ingetrokken.</translation>
    </message>
    <message>
        <source>Cancel this assignment? The device of whoever has it drops it.</source>
        <translation>Deze opdracht annuleren? Het apparaat van wie hem heeft laat hem vallen.</translation>
    </message>
    <message numerus="yes">
        <source>Overdue: %n</source>
        <extracomment>Which rows the list shows. Asks &quot;sure?&quot; before cancelling; tests replace it.</extracomment>
        <translation>
            <numerusform>Te laat: %n</numerusform>
            <numerusform>Te laat: %n</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Unassigned: %n</source>
        <translation>
            <numerusform>Niet toegewezen: %n</numerusform>
            <numerusform>Niet toegewezen: %n</numerusform>
        </translation>
    </message>
    <message>
        <source>{planned} planned · {started} started · {done} done</source>
        <translation>{planned} gepland · {started} begonnen · {done} klaar</translation>
    </message>
    <message numerus="yes">
        <source>%n received</source>
        <translation>
            <numerusform>%n ontvangen</numerusform>
            <numerusform>%n ontvangen</numerusform>
        </translation>
    </message>
    <message>
        <source>low</source>
        <translation>laag</translation>
    </message>
    <message>
        <source>normal</source>
        <translation>normaal</translation>
    </message>
    <message>
        <source>high</source>
        <translation>hoog</translation>
    </message>
    <message>
        <source>Week {number}: {first} – {last}</source>
        <translation>Week {number}: {first} – {last}</translation>
    </message>
    <message>
        <source>Change round</source>
        <translation>Ronde wijzigen</translation>
    </message>
    <message>
        <source>Change or reassign</source>
        <translation>Wijzigen of anders toewijzen</translation>
    </message>
    <message>
        <source>Cancel round</source>
        <translation>Ronde annuleren</translation>
    </message>
    <message>
        <source>This round was run before it was planned here: nothing to change.</source>
        <translation>Deze ronde is gehouden voordat ze hier gepland werd: er is niets aan te wijzigen.</translation>
    </message>
    <message>
        <source>Cancel assignment</source>
        <translation>Opdracht annuleren</translation>
    </message>
    <message>
        <source>Planning</source>
        <translation>Planning</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Vernieuwen</translation>
    </message>
    <message>
        <source>New assignment</source>
        <translation>Nieuwe opdracht</translation>
    </message>
    <message>
        <source>Plan a door-test round</source>
        <translation>Deurtestronde plannen</translation>
    </message>
    <message>
        <source>This week</source>
        <translation>Deze week</translation>
    </message>
    <message>
        <source>Still to do</source>
        <translation>Nog te doen</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>Te laat</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>Niet toegewezen</translation>
    </message>
    <message>
        <source>Everything, done and cancelled too</source>
        <translation>Alles, ook klaar en geannuleerd</translation>
    </message>
    <message>
        <source>List</source>
        <translation>Lijst</translation>
    </message>
    <message>
        <source>Week</source>
        <translation>Week</translation>
    </message>
    <message>
        <source>Door-test rounds</source>
        <translation>Deurtestrondes</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>Uiterlijk</translation>
    </message>
    <message>
        <source>Checklist</source>
        <translation>Checklist</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Waar</translation>
    </message>
    <message>
        <source>Assigned to</source>
        <translation>Toegewezen aan</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Prioriteit</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Stand</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Voortgang</translation>
    </message>
    <message>
        <source>Instructions</source>
        <translation>Aanwijzingen</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Tijd</translation>
    </message>
    <message>
        <source>Venue</source>
        <translation>Locatie</translation>
    </message>
    <message>
        <source>Ground</source>
        <translation>Grond</translation>
    </message>
    <message>
        <source>Test group</source>
        <translation>Testgroep</translation>
    </message>
    <message>
        <source>Control group</source>
        <translation>Controlegroep</translation>
    </message>
</context>
<context>
    <name>PhotoViewer</name>
    <message>
        <source>Loading…</source>
        <extracomment>Magic numbers of the image formats a camera or phone produces.</extracomment>
        <translation>Laden…</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>Uitzoomen</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Passend</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>Inzoomen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
    <message>
        <source>This photo cannot be shown.</source>
        <translation>Deze foto kan niet worden getoond.</translation>
    </message>
    <message>
        <source>Draw on photo…</source>
        <translation>Op foto tekenen…</translation>
    </message>
    <message>
        <source>Arrows, circles and text; the photo as taken is kept</source>
        <translation>Pijlen, cirkels en tekst; de foto zoals genomen blijft bewaard</translation>
    </message>
</context>
<context>
    <name>QuestionWidget</name>
    <message>
        <source>Supervisor: %1</source>
        <translation>Leidinggevende: %1</translation>
    </message>
    <message>
        <source>Your supervisor reopened this question.</source>
        <translation>Je leidinggevende heeft deze vraag heropend.</translation>
    </message>
</context>
<context>
    <name>RatingQuestion</name>
    <message>
        <source>%1 of %2 stars</source>
        <translation>%1 van %2 sterren</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 van %2</translation>
    </message>
    <message>
        <source>Not rated</source>
        <translation>Geen beoordeling</translation>
    </message>
</context>
<context>
    <name>RepeatSection</name>
    <message>
        <source>Add: %1</source>
        <translation>Toevoegen: %1</translation>
    </message>
    <message>
        <source>Nothing added yet.</source>
        <translation>Nog niets toegevoegd.</translation>
    </message>
</context>
<context>
    <name>Review</name>
    <message>
        <source>To review</source>
        <extracomment>Fetches one page of the inbox with every filter applied, the server&apos;s and `matching`&apos;s: (filter, after, limit, on_page, on_failure); calls back on the UI thread.</extracomment>
        <translation>Te beoordelen</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>Teruggestuurd</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Goedgekeurd</translation>
    </message>
    <message>
        <source>Finalized</source>
        <translation>Afgerond</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>Concept</translation>
    </message>
    <message>
        <source>Last activity</source>
        <translation>Laatste activiteit</translation>
    </message>
    <message>
        <source>Checklist</source>
        <translation>Checklist</translation>
    </message>
    <message>
        <source>Venue or area</source>
        <translation>Locatie of wijk</translation>
    </message>
    <message>
        <source>Officer or tester</source>
        <translation>Boa of tester</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Signals</source>
        <translation>Signalen</translation>
    </message>
    <message>
        <source>Signals:</source>
        <translation>Signalen:</translation>
    </message>
    <message>
        <source>No signals</source>
        <translation>Geen signalen</translation>
    </message>
    <message>
        <source>version %1</source>
        <translation>versie %1</translation>
    </message>
</context>
<context>
    <name>ReplyField</name>
    <message>
        <source>Reply to your supervisor</source>
        <translation>Antwoord aan uw leidinggevende</translation>
    </message>
    <message>
        <source>Optional: what you changed, or why the answer stands</source>
        <translation>Niet verplicht: wat u hebt aangepast, of waarom het antwoord klopt</translation>
    </message>
    <message>
        <source>Characters used</source>
        <translation>Gebruikte tekens</translation>
    </message>
</context>
<context>
    <name>ReviewDetail</name>
    <message>
        <source>reopened without a comment</source>
        <translation>heropend zonder opmerking</translation>
    </message>
    <message>
        <source>You: %1</source>
        <translation>U: %1</translation>
    </message>
    <message>
        <source>Reply from %1</source>
        <translation>Antwoord van %1</translation>
    </message>
    <message>
        <source>Replies from %1</source>
        <translation>Antwoorden van %1</translation>
    </message>
    <message>
        <source>Reply from %1 at %2</source>
        <translation>Antwoord van %1 bij %2</translation>
    </message>
    <message>
        <source>version %1, received %2</source>
        <translation>versie %1, ontvangen %2</translation>
    </message>
    <message>
        <source>Signals</source>
        <translation>Signalen</translation>
    </message>
    <message numerus="yes">
        <source>%n rows</source>
        <translation>
            <numerusform>%n rij</numerusform>
            <numerusform>%n rijen</numerusform>
        </translation>
    </message>
    <message>
        <source>Row %1</source>
        <translation>Rij %1</translation>
    </message>
    <message>
        <source>see Photos</source>
        <translation>zie Foto’s</translation>
    </message>
    <message>
        <source>No location recorded.</source>
        <translation>Geen positie vastgelegd.</translation>
    </message>
    <message>
        <source>Timing gap: %1 minutes</source>
        <translation>Tijdsverschil: %1 minuten</translation>
    </message>
    <message>
        <source>Timing gap: unknown</source>
        <translation>Tijdsverschil: onbekend</translation>
    </message>
    <message>
        <source>not received yet</source>
        <translation>nog niet binnen</translation>
    </message>
    <message>
        <source>corrects version %1</source>
        <translation>corrigeert versie %1</translation>
    </message>
    <message>
        <source>finalized on the device</source>
        <translation>afgerond op het apparaat</translation>
    </message>
    <message>
        <source>submitted</source>
        <translation>ingediend</translation>
    </message>
    <message>
        <source>corrected and resubmitted</source>
        <translation>gecorrigeerd en opnieuw ingediend</translation>
    </message>
    <message>
        <source>returned for correction</source>
        <translation>teruggestuurd voor correctie</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>goedgekeurd</translation>
    </message>
    <message>
        <source>commented</source>
        <translation>opmerking gemaakt</translation>
    </message>
    <message>
        <source>%1 — %2 %3 version %4</source>
        <translation>%1 — %2: %3, versie %4</translation>
    </message>
    <message>
        <source>Answers</source>
        <translation>Antwoorden</translation>
    </message>
    <message>
        <source>Photos (%1)</source>
        <translation>Foto’s (%1)</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>Foto’s</translation>
    </message>
    <message>
        <source>Photos and location</source>
        <translation>Foto’s en positie</translation>
    </message>
    <message>
        <source>Door test pair</source>
        <translation>Deurtest-paar</translation>
    </message>
    <message>
        <source>Venue history</source>
        <translation>Eerdere controles</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verloop</translation>
    </message>
    <message>
        <source>Versions and review trail</source>
        <translation>Versies en beoordelingen</translation>
    </message>
    <message>
        <source>After</source>
        <translation>Na</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>Voor</translation>
    </message>
    <message>
        <source>Changed in the correction</source>
        <translation>Gewijzigd in de correctie</translation>
    </message>
    <message>
        <source>Control group</source>
        <translation>Controlegroep</translation>
    </message>
    <message>
        <source>No earlier inspections of this venue.</source>
        <translation>Geen eerdere verslagen bij deze locatie.</translation>
    </message>
    <message>
        <source>No signals</source>
        <translation>Geen signalen</translation>
    </message>
    <message>
        <source>Paired door test</source>
        <translation>Gepaarde deurtest</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>Vraag</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Ontvangen</translation>
    </message>
    <message>
        <source>Review trail</source>
        <translation>Beoordelingen</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Test group</source>
        <translation>Testgroep</translation>
    </message>
    <message>
        <source>Versions</source>
        <translation>Versies</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Antwoord</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Opmerking</translation>
    </message>
    <message>
        <source>Comment for the officer (double-click to write), or tick the box to reopen the question without a comment; a return sends these</source>
        <translation>Opmerking voor de boa of tester (dubbelklik om te schrijven), of vink het vakje aan om de vraag zonder opmerking te heropenen; terugsturen stuurt deze mee</translation>
    </message>
    <message>
        <source>Choose an inspection in the list to review it.</source>
        <translation>Kies een verslag in de lijst om het te beoordelen.</translation>
    </message>
    <message>
        <source>The photo as taken, without marks</source>
        <translation>De foto zoals genomen, zonder markeringen</translation>
    </message>
    <message>
        <source>Marks drawn by the boa; the photo as taken is kept</source>
        <translation>Markeringen getekend door de boa; de foto zoals genomen is bewaard</translation>
    </message>
    <message>
        <source>Show photo as taken</source>
        <translation>Toon foto zoals genomen</translation>
    </message>
    <message>
        <source>Show marked photo</source>
        <translation>Toon gemarkeerde foto</translation>
    </message>
</context>
<context>
    <name>ConflictsDialog</name>
    <message>
        <source>Loading…</source>
        <translation>Laden…</translation>
    </message>
    <message>
        <source>Built on an older version; a newer one was already there</source>
        <translation>Gebaseerd op een oudere versie; er was al een nieuwere</translation>
    </message>
    <message>
        <source>The version it built on is not on the central store</source>
        <translation>De versie waarop hij voortbouwt staat niet in de centrale opslag</translation>
    </message>
    <message>
        <source>No held conflicts: nothing was kept aside.</source>
        <translation>Geen vastgehouden conflicten: er is niets apart gezet.</translation>
    </message>
    <message>
        <source>Held conflicts</source>
        <translation>Vastgehouden conflicten</translation>
    </message>
    <message>
        <source>Versions the central store did not accept because they did not build on the newest version of their inspection (for example two devices corrected the same inspection). They are kept here so nothing is lost; ask the officer to sync and correct the inspection again if something is missing.</source>
        <translation>Versies die de centrale opslag niet aannam omdat ze niet voortbouwden op de nieuwste versie van hun controle (bijvoorbeeld als twee apparaten dezelfde controle verbeterden). Ze worden hier bewaard zodat er niets verloren gaat; vraag de boa of tester te synchroniseren en de controle opnieuw te verbeteren als er iets ontbreekt.</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Ontvangen</translation>
    </message>
    <message>
        <source>Officer</source>
        <translation>Boa of tester</translation>
    </message>
    <message>
        <source>Checklist</source>
        <translation>Checklist</translation>
    </message>
    <message>
        <source>Venue or area</source>
        <translation>Locatie of wijk</translation>
    </message>
    <message>
        <source>Why it was kept</source>
        <translation>Waarom bewaard</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Vernieuwen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
</context>
<context>
    <name>ReviewPanel</name>
    <message>
        <source>Connecting to the central store…</source>
        <translation>Verbinden met de centrale opslag…</translation>
    </message>
    <message>
        <source>Held conflicts</source>
        <translation>Vastgehouden conflicten</translation>
    </message>
    <message>
        <source>Versions the central store kept aside because they built on an old one</source>
        <translation>Versies die de centrale opslag apart hield omdat ze op een oude versie voortbouwden</translation>
    </message>
    <message>
        <source>More filters</source>
        <extracomment>Makes the supervisor&apos;s desk (may start the demo&apos;s central store: run it off the UI). Asks &quot;sure?&quot; before an action with a button named after it, and runs the action only on that button; tests replace it.</extracomment>
        <translation>Meer filters</translation>
    </message>
    <message>
        <source>All checklists</source>
        <translation>Alle checklists</translation>
    </message>
    <message>
        <source>Every status</source>
        <translation>Elke status</translation>
    </message>
    <message>
        <source>Every venue</source>
        <translation>Elke locatie</translation>
    </message>
    <message>
        <source>Every area</source>
        <translation>Elke wijk</translation>
    </message>
    <message>
        <source>Every officer or tester</source>
        <translation>Elke boa of tester</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>Altijd</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Afgelopen 7 dagen</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Afgelopen 30 dagen</translation>
    </message>
    <message>
        <source>Last 12 months</source>
        <translation>Afgelopen 12 maanden</translation>
    </message>
    <message>
        <source>Any signal</source>
        <translation>Elk signaal</translation>
    </message>
    <message>
        <source>No inspections match these filters.</source>
        <translation>Geen verslagen bij deze filters.</translation>
    </message>
    <message>
        <source>Loading the inspections…</source>
        <translation>Verslagen ophalen…</translation>
    </message>
    <message>
        <source>Nothing has come in to review yet.</source>
        <translation>Er is nog niets binnengekomen om te beoordelen.</translation>
    </message>
    <message>
        <source>Approve this inspection? It can no longer be changed.</source>
        <translation>Dit verslag goedkeuren? Daarna kan het niet meer veranderen.</translation>
    </message>
    <message>
        <source>Write a comment next to each question the officer should correct (double-click the comment column) or tick its box to reopen it without a comment, then return it.</source>
        <translation>Schrijf een opmerking bij elke vraag die de boa of tester moet corrigeren (dubbelklik in de kolom Opmerking) of vink het vakje aan om de vraag zonder opmerking te heropenen, en stuur het verslag dan terug.</translation>
    </message>
    <message numerus="yes">
        <source>Return this inspection with %n question(s) to correct?</source>
        <translation>
            <numerusform>Dit verslag terugsturen met %n vraag om te corrigeren?</numerusform>
            <numerusform>Dit verslag terugsturen met %n vragen om te corrigeren?</numerusform>
        </translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Beoordelen</translation>
    </message>
    <message>
        <source>Search venue, officer, signal…</source>
        <translation>Zoek locatie, boa of tester, signaal…</translation>
    </message>
    <message>
        <source>Note with the review (optional)</source>
        <translation>Toelichting bij de beoordeling (niet verplicht)</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>Goedkeuren</translation>
    </message>
    <message>
        <source>Return for correction</source>
        <translation>Terugsturen voor correctie</translation>
    </message>
    <message>
        <source>PDF report</source>
        <translation>Pdf-rapport</translation>
    </message>
    <message>
        <source>Filter on venue, area, officer or tester, and signal</source>
        <translation>Filter op locatie, wijk, boa of tester, en signaal</translation>
    </message>
    <message>
        <source>Approve the version you are reading</source>
        <translation>Keur de versie goed die u nu leest</translation>
    </message>
    <message>
        <source>Send it back; only the questions you commented on reopen</source>
        <translation>Terugsturen; alleen de vragen met een opmerking gaan weer open</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>Enforcement officer</source>
        <translation>Boa</translation>
    </message>
    <message>
        <source>Mystery guest</source>
        <translation>Mystery guest</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>Leidinggevende</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>Beheerder</translation>
    </message>
    <message>
        <source>Enforcement officers</source>
        <translation>Boa&apos;s</translation>
    </message>
    <message>
        <source>Mystery guests</source>
        <translation>Mystery guests</translation>
    </message>
    <message>
        <source>Supervisors</source>
        <translation>Leidinggevenden</translation>
    </message>
    <message>
        <source>Administration</source>
        <translation>Beheer</translation>
    </message>
</context>
<context>
    <name>RoundDialog</name>
    <message>
        <source>Plan a door-test round</source>
        <translation>Deurtestronde plannen</translation>
    </message>
    <message>
        <source>Change round</source>
        <translation>Ronde wijzigen</translation>
    </message>
    <message>
        <source>Test group first</source>
        <translation>Testgroep eerst</translation>
    </message>
    <message>
        <source>Control group first</source>
        <translation>Controlegroep eerst</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>None of your teams has two mystery guests; a door-test round needs a test and a control tester.</source>
        <translation>Geen van uw teams heeft twee mystery guests; een deurtestronde heeft een tester voor de testgroep en een voor de controlegroep nodig.</translation>
    </message>
    <message>
        <source>Venue</source>
        <translation>Locatie</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Time window</source>
        <translation>Tijdvak</translation>
    </message>
    <message>
        <source>Ground tested</source>
        <translation>Geteste grond</translation>
    </message>
    <message>
        <source>Order of the visits</source>
        <translation>Volgorde van de bezoeken</translation>
    </message>
    <message>
        <source>Largest gap between arrivals</source>
        <translation>Grootste tijd tussen aankomsten</translation>
    </message>
    <message>
        <source>Test group tester</source>
        <translation>Tester testgroep</translation>
    </message>
    <message>
        <source>Control group tester</source>
        <translation>Tester controlegroep</translation>
    </message>
    <message>
        <source>Instructions (Dutch)</source>
        <translation>Aanwijzingen (Nederlands)</translation>
    </message>
    <message>
        <source>Instructions (English)</source>
        <translation>Aanwijzingen (Engels)</translation>
    </message>
    <message>
        <source>Now: {date} {start}–{end}, version {version}</source>
        <translation>Nu: {date} {start}–{end}, versie {version}</translation>
    </message>
    <message>
        <source>Testers now: {test} and {control}</source>
        <translation>Testers nu: {test} en {control}</translation>
    </message>
</context>
<context>
    <name>RowCard</name>
    <message>
        <source>%1 – no. %2</source>
        <translation>%1 – nr. %2</translation>
    </message>
    <message>
        <source>Remove this row?</source>
        <extracomment>The top-level group or repeat this page shows; None for loose top-level questions.</extracomment>
        <translation>Deze rij verwijderen?</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Verwijderen</translation>
    </message>
    <message>
        <source>Move row %1 up</source>
        <translation>Rij %1 omhoog</translation>
    </message>
    <message>
        <source>Move row %1 down</source>
        <translation>Rij %1 omlaag</translation>
    </message>
    <message>
        <source>Remove row %1</source>
        <translation>Rij %1 verwijderen</translation>
    </message>
</context>
<context>
    <name>SectionListModel</name>
    <message numerus="yes">
        <source>%n comment(s)</source>
        <extracomment>The page&apos;s key (its group name), or &quot;&quot; for the summary row. True when the page&apos;s group is relevant. The page&apos;s `Progress` (None for the summary row). How many of the supervisor&apos;s comments (in a correction) are on this page.</extracomment>
        <translation>
            <numerusform>%n opmerking</numerusform>
            <numerusform>%n opmerkingen</numerusform>
        </translation>
    </message>
    <message>
        <source>does not apply</source>
        <extracomment>The page&apos;s key (its group name), or &quot;&quot; for the summary row. True when the page&apos;s group is relevant. The page&apos;s `Progress` (None for the summary row).</extracomment>
        <translation>niet van toepassing</translation>
    </message>
    <message numerus="yes">
        <source>%n answer(s) not allowed</source>
        <translation>
            <numerusform>%n antwoord niet toegestaan</numerusform>
            <numerusform>%n antwoorden niet toegestaan</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n required question(s) open</source>
        <translation>
            <numerusform>%n verplichte vraag open</numerusform>
            <numerusform>%n verplichte vragen open</numerusform>
        </translation>
    </message>
    <message>
        <source>nothing to fill in yet</source>
        <translation>nog niets in te vullen</translation>
    </message>
    <message>
        <source>nothing added yet</source>
        <translation>nog niets toegevoegd</translation>
    </message>
    <message>
        <source>complete</source>
        <translation>volledig</translation>
    </message>
    <message>
        <source>%1 of %2 answered</source>
        <translation>%1 van %2 beantwoord</translation>
    </message>
</context>
<context>
    <name>SelectOneQuestion</name>
    <message>
        <source>Clear answer</source>
        <translation>Antwoord wissen</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Kies…</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Instellingen</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Taal</translation>
    </message>
    <message>
        <source>Colours</source>
        <translation>Kleuren</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Licht</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Donker</translation>
    </message>
    <message>
        <source>High contrast (daylight)</source>
        <translation>Hoog contrast (daglicht)</translation>
    </message>
    <message>
        <source>Lock the app after</source>
        <translation>App vergrendelen na</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nooit</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>When the app locks, what is on screen stays as it is; your password brings it back.</source>
        <translation>Als de app vergrendelt, blijft alles op het scherm zoals het was; met uw wachtwoord komt het terug.</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Klaar</translation>
    </message>
</context>
<context>
    <name>Severity</name>
    <message>
        <source>information</source>
        <translation>informatie</translation>
    </message>
    <message>
        <source>attention</source>
        <translation>aandacht</translation>
    </message>
    <message>
        <source>violation</source>
        <translation>overtreding</translation>
    </message>
    <message>
        <source>serious</source>
        <translation>ernstig</translation>
    </message>
    <message>
        <source>immediate closure</source>
        <translation>directe sluiting</translation>
    </message>
</context>
<context>
    <name>SignInScreen</name>
    <message>
        <source>The address of the central store starts with https://.</source>
        <translation>Het adres van de centrale opslag begint met https://.</translation>
    </message>
    <message>
        <source>Address of the central store</source>
        <translation>Adres van de centrale opslag</translation>
    </message>
    <message>
        <source>On this device</source>
        <translation>Op dit apparaat</translation>
    </message>
    <message>
        <source>Another user…</source>
        <translation>Andere gebruiker…</translation>
    </message>
    <message>
        <source>Fill in your user name and password.</source>
        <translation>Vul uw gebruikersnaam en wachtwoord in.</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>Aanmelden…</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Aanmelden</translation>
    </message>
    <message>
        <source>Enforcement and inspections · The Hague</source>
        <translation>Handhaving en toezicht · Den Haag</translation>
    </message>
    <message>
        <source>Coffeeshop inspections, neighbourhood patrols and nightlife door tests. Works without a network: everything you enter is saved on this device, encrypted, and sent when there is a connection.</source>
        <translation>Coffeeshopcontroles, wijkrondes en deurtests in het uitgaansleven. Werkt zonder netwerk: alles wat u invult, wordt versleuteld op dit apparaat bewaard en verzonden zodra er verbinding is.</translation>
    </message>
    <message>
        <source>Demo — fictional data</source>
        <translation>Demo — fictieve gegevens</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Gebruikersnaam</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Wachtwoord</translation>
    </message>
    <message>
        <source>Demo accounts</source>
        <translation>Demo-accounts</translation>
    </message>
    <message>
        <source>Choose an account, then type the password.</source>
        <translation>Kies een account en typ het wachtwoord.</translation>
    </message>
    <message>
        <source>Password of every demo account: demo</source>
        <translation>Wachtwoord van alle demo-accounts: demo</translation>
    </message>
    <message>
        <source>Loading the demo accounts…</source>
        <translation>Demo-accounts laden…</translation>
    </message>
    <message>
        <source>The demo accounts cannot be listed. Type a user name to sign in.</source>
        <translation>De demo-accounts kunnen niet worden getoond. Vul een gebruikersnaam in om aan te melden.</translation>
    </message>
</context>
<context>
    <name>SignatureDialog</name>
    <message>
        <source>Sign in the white area with a finger, a pen or the mouse.</source>
        <translation>Zet uw handtekening in het witte vlak, met een vinger, een pen of de muis.</translation>
    </message>
    <message>
        <source>Signature pad</source>
        <translation>Handtekeningvlak</translation>
    </message>
    <message>
        <source>Start again</source>
        <translation>Opnieuw beginnen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <source>Use this signature</source>
        <translation>Deze handtekening gebruiken</translation>
    </message>
</context>
<context>
    <name>SignatureQuestion</name>
    <message>
        <source>Sign again…</source>
        <translation>Opnieuw ondertekenen…</translation>
    </message>
    <message>
        <source>Sign…</source>
        <translation>Ondertekenen…</translation>
    </message>
    <message>
        <source>Remove signature</source>
        <translation>Handtekening verwijderen</translation>
    </message>
    <message>
        <source>Saving signature…</source>
        <translation>Handtekening opslaan…</translation>
    </message>
    <message>
        <source>Not signed yet</source>
        <translation>Nog niet ondertekend</translation>
    </message>
    <message>
        <source>Signature present</source>
        <translation>Ondertekend</translation>
    </message>
    <message>
        <source>Signed</source>
        <translation>Ondertekend</translation>
    </message>
</context>
<context>
    <name>SummaryView</name>
    <message>
        <source>Replies to your supervisor (%1 of %2)</source>
        <translation>Antwoorden aan uw leidinggevende (%1 van %2)</translation>
    </message>
    <message>
        <source>Go to the reply</source>
        <translation>Naar het antwoord</translation>
    </message>
    <message>
        <source>Supervisor: %1</source>
        <translation>Leidinggevende: %1</translation>
    </message>
    <message>
        <source>Your reply: %1</source>
        <translation>Uw antwoord: %1</translation>
    </message>
    <message>
        <source>No reply (optional)</source>
        <translation>Geen antwoord (niet verplicht)</translation>
    </message>
    <message>
        <source>No question matches.</source>
        <translation>Geen vraag gevonden.</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Overzicht</translation>
    </message>
    <message>
        <source>Find a question…</source>
        <translation>Zoek een vraag…</translation>
    </message>
    <message>
        <source>Find a question by words from it</source>
        <translation>Zoek een vraag op woorden eruit</translation>
    </message>
    <message>
        <source>Everything required is answered. You can finalize.</source>
        <translation>Alle verplichte vragen zijn beantwoord. U kunt afronden.</translation>
    </message>
    <message numerus="yes">
        <source>%n item(s) must be resolved before finalizing.</source>
        <translation>
            <numerusform>Nog %n punt moet worden opgelost voordat u kunt afronden.</numerusform>
            <numerusform>Nog %n punten moeten worden opgelost voordat u kunt afronden.</numerusform>
        </translation>
    </message>
    <message>
        <source>Still to answer</source>
        <translation>Nog te beantwoorden</translation>
    </message>
    <message>
        <source>Not allowed</source>
        <translation>Niet toegestaan</translation>
    </message>
    <message>
        <source>Findings (%1)</source>
        <translation>Bevindingen (%1)</translation>
    </message>
    <message>
        <source>The answers give no findings.</source>
        <translation>De antwoorden leveren geen bevindingen op.</translation>
    </message>
    <message>
        <source>Finalize and lock…</source>
        <translation>Afronden en vergrendelen…</translation>
    </message>
    <message>
        <source>After finalizing, this inspection can no longer be changed. It waits in the outbox and is sent at the next sync.</source>
        <translation>Na het afronden kan dit verslag niet meer worden gewijzigd. Het wacht in de verzendlijst en wordt bij de volgende synchronisatie verzonden.</translation>
    </message>
    <message>
        <source>Sign now…</source>
        <translation>Nu ondertekenen…</translation>
    </message>
</context>
<context>
    <name>SupervisorHome</name>
    <message>
        <source>The teams&apos; work as this device last received it: assignments with who does them and when, the people, and the checklists. Try a checklist to see exactly what officers see; nothing you enter there is saved. Venues, areas, teams, people and forms are managed in the Administration tab.</source>
        <translation>Het werk van de teams zoals dit apparaat het laatst ontving: opdrachten met wie ze uitvoert en wanneer, de mensen en de checklists. Probeer een checklist om precies te zien wat boa&apos;s zien; wat u daar invult wordt niet bewaard. Locaties, wijken, teams, mensen en formulieren beheert u in het tabblad Beheer.</translation>
    </message>
    <message>
        <source>Demo</source>
        <translation>Demo</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Instellingen</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>Vergrendelen</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Afmelden</translation>
    </message>
    <message>
        <source>The work of your teams: assignments with who does them and when, the people in your teams, and the checklists they fill in. Try a checklist to see exactly what officers see; nothing you enter there is saved.</source>
        <translation>Het werk van uw teams: opdrachten met wie ze uitvoert en wanneer, de mensen in uw teams en de checklists die zij invullen. Probeer een checklist uit om precies te zien wat boa&apos;s en testers zien; wat u daar invult, wordt niet bewaard.</translation>
    </message>
    <message>
        <source>Team assignments</source>
        <translation>Opdrachten van de teams</translation>
    </message>
    <message>
        <source>Team members</source>
        <translation>Teamleden</translation>
    </message>
    <message>
        <source>Checklists</source>
        <translation>Checklists</translation>
    </message>
    <message>
        <source>To review</source>
        <translation>Te beoordelen</translation>
    </message>
    <message>
        <source>Try this checklist…</source>
        <translation>Deze checklist uitproberen…</translation>
    </message>
    <message>
        <source>Your teams have no assignments.</source>
        <translation>Uw teams hebben geen opdrachten.</translation>
    </message>
    <message>
        <source>No team members on this device.</source>
        <translation>Geen teamleden op dit apparaat.</translation>
    </message>
    <message>
        <source>No checklists on this device yet.</source>
        <translation>Nog geen checklists op dit apparaat.</translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <source>Cancelling the sync…</source>
        <translation>Synchronisatie wordt afgebroken…</translation>
    </message>
    <message>
        <source>No connection to the central store; your work stays safe on this device.</source>
        <translation>Geen verbinding met de centrale opslag; uw werk blijft veilig op dit apparaat.</translation>
    </message>
    <message>
        <source>The sync did not work; the details are in the log.</source>
        <translation>Het synchroniseren is niet gelukt; de details staan in het logboek.</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>Bezig met synchroniseren…</translation>
    </message>
    <message>
        <source>Not synced yet</source>
        <translation>Nog niet gesynchroniseerd</translation>
    </message>
    <message>
        <source>%1 to send</source>
        <translation>%1 te verzenden</translation>
    </message>
    <message>
        <source>Everything sent</source>
        <translation>Alles verzonden</translation>
    </message>
    <message>
        <source>%1 held</source>
        <translation>%1 tegengehouden</translation>
    </message>
    <message>
        <source>not synced yet</source>
        <translation>nog niet gesynchroniseerd</translation>
    </message>
    <message>
        <source>last synced %1</source>
        <translation>laatst gesynchroniseerd %1</translation>
    </message>
</context>
<context>
    <name>TeamDialog</name>
    <message>
        <source>New team</source>
        <translation>Nieuw team</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>Id</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Naam</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>Leidinggevende</translation>
    </message>
    <message>
        <source>Area ids (separated by spaces)</source>
        <translation>Wijk-id&apos;s (gescheiden door spaties)</translation>
    </message>
</context>
<context>
    <name>UserDialog</name>
    <message>
        <source>New person</source>
        <translation>Nieuwe persoon</translation>
    </message>
    <message>
        <source>No team</source>
        <translation>Geen team</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>Gebruikersnaam</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Naam</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>Team</translation>
    </message>
    <message>
        <source>Pseudonym (mystery guests)</source>
        <translation>Pseudoniem (mystery guests)</translation>
    </message>
</context>
<context>
    <name>VenueDialog</name>
    <message>
        <source>New venue</source>
        <extracomment>The version of the last edit this change is based on (None: a new venue).</extracomment>
        <translation>Nieuwe locatie</translation>
    </message>
    <message>
        <source>Id (permit or registration number)</source>
        <translation>Id (vergunning- of registratienummer)</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Naam</translation>
    </message>
    <message>
        <source>Street</source>
        <translation>Straat</translation>
    </message>
    <message>
        <source>House number</source>
        <translation>Huisnummer</translation>
    </message>
    <message>
        <source>Postcode</source>
        <translation>Postcode</translation>
    </message>
    <message>
        <source>Latitude</source>
        <translation>Breedtegraad</translation>
    </message>
    <message>
        <source>Longitude</source>
        <translation>Lengtegraad</translation>
    </message>
    <message>
        <source>Tolerance permit (coffeeshops)</source>
        <translation>Gedoogbeschikking (coffeeshops)</translation>
    </message>
    <message>
        <source>Permit holder or operator</source>
        <translation>Vergunninghouder of exploitant</translation>
    </message>
    <message>
        <source>Opening hours</source>
        <translation>Openingstijden</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Soort</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>Wijk</translation>
    </message>
    <message>
        <source>Open (unticked: closed)</source>
        <translation>Open (niet aangevinkt: gesloten)</translation>
    </message>
    <message>
        <source>Note for officers (Dutch)</source>
        <translation>Notitie voor boa&apos;s (Nederlands)</translation>
    </message>
    <message>
        <source>Note for officers (English)</source>
        <translation>Notitie voor boa&apos;s (Engels)</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Opslaan</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
    <message>
        <source>Now: {name}, {street} {number}, {postcode}</source>
        <translation>Nu: {name}, {street} {number}, {postcode}</translation>
    </message>
    <message>
        <source>Operator now: {operator}</source>
        <translation>Exploitant nu: {operator}</translation>
    </message>
    <message>
        <source>Opening hours now: {hours}</source>
        <translation>Openingstijden nu: {hours}</translation>
    </message>
    <message>
        <source>Now open</source>
        <translation>Nu open</translation>
    </message>
    <message>
        <source>Now closed</source>
        <translation>Nu gesloten</translation>
    </message>
</context>
<context>
    <name>VenuePicker</name>
    <message>
        <source>Choose a venue</source>
        <translation>Kies een locatie</translation>
    </message>
    <message>
        <source>Search by name, street or postcode</source>
        <translation>Zoek op naam, straat of postcode</translation>
    </message>
    <message>
        <source>Search venues</source>
        <translation>Locaties zoeken</translation>
    </message>
    <message>
        <source>Venues</source>
        <translation>Locaties</translation>
    </message>
    <message>
        <source>No venue matches. Check the spelling or search by street.</source>
        <translation>Geen locatie gevonden. Controleer de spelling of zoek op straat.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <source>Choose</source>
        <translation>Kiezen</translation>
    </message>
</context>
<context>
    <name>VenueQuestion</name>
    <message>
        <source>Choose another venue…</source>
        <translation>Andere locatie kiezen…</translation>
    </message>
    <message>
        <source>Choose venue…</source>
        <translation>Locatie kiezen…</translation>
    </message>
    <message>
        <source>Clear answer</source>
        <translation>Antwoord wissen</translation>
    </message>
    <message>
        <source>No venue chosen yet</source>
        <translation>Nog geen locatie gekozen</translation>
    </message>
</context>
<context>
    <name>Venues</name>
    <message>
        <source>coffeeshop</source>
        <extracomment>The venue id of a row, for views and tests.</extracomment>
        <translation>coffeeshop</translation>
    </message>
    <message>
        <source>club</source>
        <translation>club</translation>
    </message>
    <message>
        <source>bar</source>
        <translation>café</translation>
    </message>
    <message>
        <source>recently used</source>
        <translation>recent gebruikt</translation>
    </message>
</context>
<context>
    <name>VenuesPage</name>
    <message>
        <source>You change venues in the areas of your teams: {areas}.</source>
        <translation>U wijzigt locaties in de wijken van uw teams: {areas}.</translation>
    </message>
    <message>
        <source>Your teams have no areas: you can read the venues, not change them.</source>
        <translation>Uw teams hebben geen wijken: u kunt de locaties lezen, niet wijzigen.</translation>
    </message>
    <message>
        <source>All areas</source>
        <translation>Alle wijken</translation>
    </message>
    <message>
        <source>open</source>
        <translation>open</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>gesloten</translation>
    </message>
    <message>
        <source>{shown} of {total} venues</source>
        <translation>{shown} van {total} locaties</translation>
    </message>
    <message>
        <source>Close {name}? It stays in the register (inspections refer to it) but is no longer offered for new work.</source>
        <translation>{name} sluiten? De locatie blijft in het register (controles verwijzen ernaar) maar wordt niet meer aangeboden voor nieuw werk.</translation>
    </message>
    <message>
        <source>Search name, address, operator, permit</source>
        <translation>Zoek op naam, adres, exploitant, vergunning</translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation>Alle soorten</translation>
    </message>
    <message>
        <source>Show closed</source>
        <translation>Ook gesloten</translation>
    </message>
    <message>
        <source>New venue</source>
        <translation>Nieuwe locatie</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Wijzigen</translation>
    </message>
    <message>
        <source>Close venue</source>
        <translation>Locatie sluiten</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Geschiedenis</translation>
    </message>
    <message>
        <source>Import venues…</source>
        <translation>Locaties importeren…</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Naam</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Soort</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adres</translation>
    </message>
    <message>
        <source>Postcode</source>
        <translation>Postcode</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>Wijk</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Exploitant</translation>
    </message>
    <message>
        <source>Opening hours</source>
        <translation>Openingstijden</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Stand</translation>
    </message>
</context>
<context>
    <name>_EditDialog</name>
    <message>
        <source>Save</source>
        <translation>Opslaan</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
</context>
<context>
    <name>_PlanDialog</name>
    <message>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Opslaan</translation>
    </message>
</context>
<context>
    <name>_Thumbnail</name>
    <message>
        <source>Delete?</source>
        <translation>Verwijderen?</translation>
    </message>
    <message>
        <source>Delete photo %1</source>
        <translation>Foto %1 verwijderen</translation>
    </message>
    <message>
        <source>Photo %1: show it large</source>
        <translation>Foto %1: groot tonen</translation>
    </message>
    <message>
        <source>Cannot show</source>
        <translation>Kan niet worden getoond</translation>
    </message>
</context>
<context>
    <name>ActionDialog</name>
    <message>
        <source>Owner</source>
        <translation>Eigenaar</translation>
    </message>
    <message>
        <source>Reassign</source>
        <translation>Overdragen</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Actie</translation>
    </message>
    <message>
        <source>Add note</source>
        <translation>Notitie toevoegen</translation>
    </message>
    <message>
        <source>Change due date</source>
        <translation>Termijn wijzigen</translation>
    </message>
    <message>
        <source>Change state</source>
        <translation>Status wijzigen</translation>
    </message>
    <message>
        <source>Choose the operator's letter</source>
        <translation>Kies de brief van de exploitant</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Kies…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
    <message>
        <source>Due date</source>
        <translation>Termijn</translation>
    </message>
    <message>
        <source>Letter (optional)</source>
        <translation>Brief (optioneel)</translation>
    </message>
    <message>
        <source>Letters (*.pdf *.jpg *.jpeg *.png)</source>
        <translation>Brieven (*.pdf *.jpg *.jpeg *.png)</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notitie</translation>
    </message>
    <message>
        <source>Now: {state}, due {due}; last entry by {who}.</source>
        <translation>Nu: {state}, termijn {due}; laatste regel van {who}.</translation>
    </message>
    <message>
        <source>Operator's response</source>
        <translation>Zienswijze exploitant</translation>
    </message>
    <message>
        <source>PDF, JPEG or PNG</source>
        <translation>PDF, JPEG of PNG</translation>
    </message>
    <message>
        <source>Record response</source>
        <translation>Zienswijze vastleggen</translation>
    </message>
    <message>
        <source>New state</source>
        <translation>Nieuwe status</translation>
    </message>
    <message>
        <source>Summarise the operator's response first.</source>
        <translation>Vat eerst de zienswijze van de exploitant samen.</translation>
    </message>
    <message>
        <source>Summary of the response</source>
        <translation>Samenvatting van de zienswijze</translation>
    </message>
    <message>
        <source>The letter's file was not found: {path}</source>
        <translation>Het bestand van de brief is niet gevonden: {path}</translation>
    </message>
    <message>
        <source>Type the note first.</source>
        <translation>Typ eerst de notitie.</translation>
    </message>
    <message>
        <source>{kind} · {owner} · due {due} · {state}</source>
        <translation>{kind} · {owner} · termijn {due} · {state}</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wanneer</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wie</translation>
    </message>
    <message>
        <source>Entry</source>
        <translation>Regel</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
</context>
<context>
    <name>DecisionDialog</name>
    <message>
        <source>Choose the step to take.</source>
        <translation>Kies de stap die genomen wordt.</translation>
    </message>
    <message>
        <source>Decide</source>
        <translation>Besluiten</translation>
    </message>
    <message>
        <source>Give a reason for this decision.</source>
        <translation>Geef een reden voor dit besluit.</translation>
    </message>
    <message>
        <source>No measure</source>
        <translation>Geen maatregel</translation>
    </message>
    <message>
        <source>Other step</source>
        <translation>Andere stap</translation>
    </message>
    <message>
        <source>Proposed</source>
        <translation>Voorgesteld</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Reden</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Stap</translation>
    </message>
</context>
<context>
    <name>FollowUpPanel</name>
    <message>
        <source>No proposals to decide. An inspection that records a violation on the sanction ladder brings one here, with the step the policy proposes.</source>
        <translation>Geen voorstellen om over te beslissen. Legt een controle een overtreding vast die op de sanctieladder staat, dan verschijnt hier een voorstel met de stap uit het beleid.</translation>
    </message>
    <message>
        <source>No follow-up actions yet.</source>
        <translation>Nog geen acties.</translation>
    </message>
    <message>
        <source>No open follow-up actions. &apos;All actions&apos; shows the closed ones too.</source>
        <translation>Geen openstaande acties. &apos;Alle acties&apos; toont ook de gesloten.</translation>
    </message>
    <message numerus="yes">
        <source>%n follow-up action(s) are past their due date.</source>
        <translation>
            <numerusform>%n actie is over de termijn.</numerusform>
            <numerusform>%n acties zijn over de termijn.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n overdue</source>
        <translation>
            <numerusform>%n te laat</numerusform>
            <numerusform>%n te laat</numerusform>
        </translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Actie</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>Acties</translation>
    </message>
    <message>
        <source>All actions</source>
        <translation>Alle acties</translation>
    </message>
    <message>
        <source>Choose a venue…</source>
        <translation>Kies een locatie…</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>Bevestigen</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Dossier (PDF)…</source>
        <translation>Dossier (PDF)…</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>Termijn</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>Bevindingen</translation>
    </message>
    <message>
        <source>Follow-up</source>
        <translation>Opvolging</translation>
    </message>
    <message>
        <source>Follow-up ({count})</source>
        <translation>Opvolging ({count})</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Soort</translation>
    </message>
    <message>
        <source>Measure</source>
        <translation>Maatregel</translation>
    </message>
    <message>
        <source>New action…</source>
        <translation>Nieuwe actie…</translation>
    </message>
    <message>
        <source>No measure…</source>
        <translation>Geen maatregel…</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Openen</translation>
    </message>
    <message>
        <source>Open actions</source>
        <translation>Openstaande acties</translation>
    </message>
    <message>
        <source>Other step…</source>
        <translation>Andere stap…</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Eigenaar</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Past its due date</source>
        <translation>Termijn verstreken</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>Beleid</translation>
    </message>
    <message>
        <source>Proposals</source>
        <translation>Voorstellen</translation>
    </message>
    <message>
        <source>Proposed step</source>
        <translation>Voorgestelde stap</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Vernieuwen</translation>
    </message>
    <message>
        <source>Repetitions</source>
        <translation>Herhalingen</translation>
    </message>
    <message>
        <source>Response</source>
        <translation>Zienswijze</translation>
    </message>
    <message>
        <source>Save the venue dossier</source>
        <translation>Dossier van de locatie opslaan</translation>
    </message>
    <message>
        <source>Save the weekly overview</source>
        <translation>Weekoverzicht opslaan</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Venue</source>
        <translation>Locatie</translation>
    </message>
    <message>
        <source>Venue dossier</source>
        <translation>Dossier van de locatie</translation>
    </message>
    <message>
        <source>Venue file</source>
        <translation>Locatiedossier</translation>
    </message>
    <message>
        <source>Visit</source>
        <translation>Bezoek</translation>
    </message>
    <message>
        <source>Weekly overview</source>
        <translation>Weekoverzicht</translation>
    </message>
    <message>
        <source>Weekly overview (PDF)…</source>
        <translation>Weekoverzicht (PDF)…</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Wat</translation>
    </message>
    <message>
        <source>due {date}</source>
        <translation>termijn {date}</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>te laat</translation>
    </message>
    <message>
        <source>{proposals} to decide · {open} open actions</source>
        <translation>{proposals} te besluiten · {open} openstaande acties</translation>
    </message>
</context>
<context>
    <name>NewActionDialog</name>
    <message>
        <source>Choose who owns the action.</source>
        <translation>Kies wie eigenaar van de actie is.</translation>
    </message>
    <message>
        <source>Due date</source>
        <translation>Termijn</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Soort</translation>
    </message>
    <message>
        <source>New action</source>
        <translation>Nieuwe actie</translation>
    </message>
    <message>
        <source>No venue</source>
        <translation>Geen locatie</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notitie</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Eigenaar</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Opslaan</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Venue</source>
        <translation>Locatie</translation>
    </message>
</context>
<context>
    <name>_Dialog</name>
    <message>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
</context>
<context>
    <name>MomentPicker</name>
    <message>
        <source>Choose a date</source>
        <translation>Kies een datum</translation>
    </message>
    <message>
        <source>Choose a time</source>
        <translation>Kies een tijd</translation>
    </message>
    <message>
        <source>Choose a date and time</source>
        <translation>Kies een datum en tijd</translation>
    </message>
    <message>
        <source>Hour</source>
        <translation>Uur</translation>
    </message>
    <message>
        <source>Minutes</source>
        <translation>Minuten</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>Nu</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
</context>
<context>
    <name>VenueFile</name>
    <message>
        <source>Open action: {kind}, due {due}</source>
        <translation>Openstaande actie: {kind}, termijn {due}</translation>
    </message>
    <message>
        <source>Repeat offence: {ladder} ({count}× within {months} months)</source>
        <translation>Herhaalde overtreding: {ladder} ({count}× binnen {months} maanden)</translation>
    </message>
    <message>
        <source>From the venue's file as of {day}.</source>
        <translation>Uit het dossier van de locatie, stand {day}.</translation>
    </message>
</context>
</TS>
