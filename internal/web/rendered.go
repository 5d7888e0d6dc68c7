package web

import "sync"

// renderedPages records which pages were rendered, so that a test can fail
// when a template is never exercised by the suite.
var renderedPages sync.Map

func rendered(name string) { renderedPages.Store(name, true) }
