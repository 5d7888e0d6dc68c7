package web

// planRoutes are the pages of improvement plans and the customer page.
func (s *Server) planRoutes() []appRoute {
	return nil
}
