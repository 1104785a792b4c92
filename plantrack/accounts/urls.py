from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from plantrack.lib.rules import allowed_if, public

from . import views
from .forms import ResetForm, SignInForm

app_name = "accounts"

urlpatterns = [
    path(
        "sign-in/",
        public(
            views.SignInView.as_view(
                template_name="accounts/sign_in.html",
                authentication_form=SignInForm,
                redirect_authenticated_user=True,
            )
        ),
        name="login",
    ),
    path("sign-out/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("sign-up/", views.sign_up, name="sign_up"),
    path("verify/<str:token>/", views.verify_email, name="verify_email"),
    path(
        "password-reset/",
        public(
            views.PasswordResetView.as_view(
                form_class=ResetForm,
                template_name="accounts/password_reset.html",
                email_template_name="accounts/email/password_reset.txt",
                subject_template_name="accounts/email/password_reset_subject.txt",
                success_url=reverse_lazy("accounts:password_reset_done"),
            )
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        public(
            auth_views.PasswordResetDoneView.as_view(
                template_name="accounts/password_reset_done.html"
            )
        ),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        public(
            auth_views.PasswordResetConfirmView.as_view(
                template_name="accounts/password_reset_confirm.html",
                success_url=reverse_lazy("accounts:login"),
                post_reset_login=False,
            )
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/",
        allowed_if("accounts.own_account")(
            auth_views.PasswordChangeView.as_view(
                template_name="accounts/password_change.html",
                success_url=reverse_lazy("accounts:profile"),
            )
        ),
        name="password_change",
    ),
    path("profile/", views.profile, name="profile"),
    path("profile/my-data.json", views.my_data, name="my_data"),
    path("profile/delete/", views.delete_account, name="delete_account"),
    path("two-step/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-step/", views.two_factor_verify, name="two_factor_verify"),
    path("privacy/", views.privacy, name="privacy"),
]
