package web

// webhookRoutes are the pages of webhook endpoints and their delivery log.
func (s *Server) webhookRoutes() []appRoute {
	return nil
}
