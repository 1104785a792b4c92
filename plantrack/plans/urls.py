from django.urls import path

from . import help_views, views, views_language, views_manage, views_translate

app_name = "plans"

urlpatterns = [
    path("plans/", views.plan_list, name="list"),
    path("plans/import/", views.plan_import, name="import"),
    path("plans/import/confirm/", views.plan_import_confirm, name="import_confirm"),
    path("plans/import/reread/", views.plan_import_reread, name="import_reread"),
    path("plans/<slug:slug>/", views.plan_detail, name="detail"),
    path("plans/<slug:slug>/edit/", views.plan_edit, name="edit"),
    path("plans/<slug:slug>/publish/", views.plan_publish, name="publish"),
    path(
        "plans/<slug:slug>/import-language/",
        views_language.plan_import_language,
        name="import_language",
    ),
    path(
        "plans/<slug:slug>/import-language/confirm/",
        views_language.plan_import_language_confirm,
        name="import_language_confirm",
    ),
    path("plans/<slug:slug>/add-item/", views_manage.item_add, name="item_add"),
    path("plans/<slug:slug>/retired/", views_manage.retired_items, name="retired"),
    path("plans/<slug:slug>/translate/", views_translate.translate, name="translate"),
    path(
        "plans/<slug:slug>/translate/import/",
        views_translate.translate_import,
        name="translate_import",
    ),
    path(
        "plans/<slug:slug>/translate/export.<str:fmt>",
        views_translate.translate_export,
        name="translate_export",
    ),
    path("plans/<slug:slug>/retire/", views_manage.plan_retire, name="retire"),
    path("plans/<slug:slug>/restore/", views_manage.plan_restore, name="restore"),
    path("plans/<slug:slug>/items/<str:code>/", views.item_detail, name="item"),
    path("plans/<slug:slug>/items/<str:code>/edit/", views.item_edit, name="item_edit"),
    path(
        "plans/<slug:slug>/items/<str:code>/add-child/",
        views_manage.item_add,
        name="item_add_child",
    ),
    path("plans/<slug:slug>/items/<str:code>/move/", views_manage.item_move, name="item_move"),
    path(
        "plans/<slug:slug>/items/<str:code>/retire/", views_manage.item_retire, name="item_retire"
    ),
    path(
        "plans/<slug:slug>/items/<str:code>/restore/",
        views_manage.item_restore,
        name="item_restore",
    ),
    path(
        "plans/<slug:slug>/items/<str:code>/responsibilities/add/",
        views.responsibility_add,
        name="responsibility_add",
    ),
    path(
        "plans/<slug:slug>/items/<str:code>/responsibilities/<int:pk>/remove/",
        views.responsibility_remove,
        name="responsibility_remove",
    ),
    path("search/", views.search, name="search"),
    path("help/import/", help_views.import_help, name="import_help"),
    path("help/import/template.csv", help_views.import_template_csv, name="import_template_csv"),
    path(
        "help/import/template.xlsx",
        help_views.import_template_xlsx,
        name="import_template_xlsx",
    ),
]
