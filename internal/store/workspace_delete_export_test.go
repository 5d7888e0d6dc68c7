package store

// WorkspaceTables gives the tests the tables DeleteWorkspace clears, so
// that they can compare the list with the schema.
var WorkspaceTables = workspaceTables
