"""Factories for test data, in one place. Nothing is created at import time."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from community.models import Building, Grid

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"resident{n}")
    display_name = factory.Iterator(["王秀英", "李建国", "张桂兰", "陈志强", "刘淑芬", "杨明"])
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        if create and names:
            from django.contrib.auth.models import Group

            self.groups.add(*Group.objects.filter(name__in=names))
        if create:
            self.save()


class StaffFactory(UserFactory):
    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grid

    name = factory.Sequence(lambda n: f"第{n}网格")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    grid = factory.SubFactory(GridFactory)
    name = factory.Sequence(lambda n: f"团结巷{n}栋")
    households = 60


class ColumnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "news.Column"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"栏目{n}")
    slug = factory.Sequence(lambda n: f"column-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "news.Article"

    title = factory.Sequence(lambda n: f"社区新闻第{n}篇")
    column = factory.SubFactory(ColumnFactory)
    body = "<p>社区组织居民开展活动。</p>"
    status = "published"
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
