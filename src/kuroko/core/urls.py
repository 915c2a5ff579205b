from django.contrib.auth import views as auth_views
from django.urls import path

from kuroko.core import views, views_inbox

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/language/", views.set_language, name="set-language"),
    path("accounts/tokens/", views.token_create, name="token-create"),
    path("accounts/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("inbox/", views_inbox.inbox, name="inbox"),
    path("inbox/<int:pk>/open/", views_inbox.notification_open, name="notification-open"),
    path("inbox/read-all/", views_inbox.inbox_read_all, name="inbox-read-all"),
    path("inbox/<int:pk>/read/", views_inbox.notification_read, name="notification-read"),
    path("accounts/notifications/", views_inbox.notification_preferences, name="notification-preferences"),
]
