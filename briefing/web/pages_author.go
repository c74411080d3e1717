package web

import "github.com/gin-gonic/gin"

// authorPageRoutes are the pages of authors, managers and admins.
func (s *Server) authorPageRoutes(in *gin.RouterGroup) {}
