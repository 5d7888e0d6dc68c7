package web

// alertRoutes are the pages of follow-ups and alert rules.
func (s *Server) alertRoutes() []appRoute {
	return nil
}
