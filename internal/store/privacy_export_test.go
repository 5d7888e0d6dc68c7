package store

// ContactTables exposes contactTables to the guard test.
var ContactTables = contactTables
