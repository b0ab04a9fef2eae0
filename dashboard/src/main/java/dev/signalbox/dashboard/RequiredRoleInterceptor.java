package dev.signalbox.dashboard;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Refuses the dashboard (403, or 401 when nobody is signed in) to a user without the configured role,
 * as the application's security (e.g. Spring Security's servlet integration) answers
 * {@link HttpServletRequest#isUserInRole}.
 */
final class RequiredRoleInterceptor implements HandlerInterceptor {

    private final String role;

    RequiredRoleInterceptor(String role) {
        this.role = role;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws Exception {
        if (request.isUserInRole(role)) {
            return true;
        }
        response.sendError(request.getUserPrincipal() == null ? HttpServletResponse.SC_UNAUTHORIZED
                : HttpServletResponse.SC_FORBIDDEN, "The Signalbox dashboard needs role " + role);
        return false;
    }
}
