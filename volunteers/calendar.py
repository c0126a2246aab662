"""Activities as an iCalendar (.ics) feed, written with the icalendar library."""

from icalendar import Calendar, Event


def render(activities, *, name, base_url):
    calendar = Calendar()
    calendar.add("prodid", "-//community-portal//volunteer activities//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    for activity in activities:
        event = Event()
        event.add("uid", f"activity-{activity.pk}@{base_url.split('//')[-1]}")
        event.add("summary", f"{activity.title}({activity.host_name})")
        event.add("dtstart", activity.starts_at)
        event.add("dtend", activity.ends_at)
        event.add("location", activity.place)
        event.add("description", activity.description[:500])
        event.add("url", f"{base_url}{activity.get_absolute_url()}")
        calendar.add_component(event)
    return calendar.to_ical()
