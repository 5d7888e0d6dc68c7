package web

// promoterRoutes are the pages of the promoter programme and the loop figures.
func (s *Server) promoterRoutes() []appRoute {
	return nil
}
