"""What a practitioner does with an open journal: caseload, entries, erase, feedback
import, exports and the demo generator. Sits above storage/ and prompts/."""
